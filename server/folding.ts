// Folding ranges: ide's folds (item bodies, multi-line calls, comment runs) as LSP folding ranges.

import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import { foldingRanges as folds } from '../ide/folding';
import type { Snapshot } from './documents';

export function foldingRanges(snap: Snapshot): FoldingRange[] {
  return folds(snap.analysis, snap.lines).map((f) => ({
    startLine: f.startLine,
    endLine: f.endLine,
    kind: f.kind === 'region' ? FoldingRangeKind.Region : f.kind === 'comment' ? FoldingRangeKind.Comment : undefined,
  }));
}
