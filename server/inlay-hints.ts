// Inlay hints: ide's output shapes at the end of layer lines, as LSP type hints.

import { InlayHintKind, type InlayHint } from 'vscode-languageserver';
import type { Span } from '../core/syntax/span';
import { inlayHints as shapeHints } from '../ide/inlay-hints';
import type { Snapshot } from './documents';

export function inlayHints(snap: Snapshot, range: Span): InlayHint[] {
  return shapeHints(snap.analysis, range).map((h) => ({
    position: snap.lines.position(h.offset),
    label: h.label,
    kind: InlayHintKind.Type,
    paddingLeft: true,
  }));
}
