// Selection ranges: ide's enclosing spans for each position as LSP's chain of ranges, innermost first.

import type { SelectionRange } from 'vscode-languageserver';
import { selectionRanges as enclosingSpans } from '../ide/selection-ranges';
import type { Snapshot } from './documents';

export function selectionRanges(snap: Snapshot, offsets: readonly number[]): SelectionRange[] {
  return enclosingSpans(snap.analysis.parse.file, offsets).map((spans, i) => {
    let range: SelectionRange | undefined;
    for (const s of spans) range = { range: snap.lines.range(s), parent: range };
    return range ?? { range: snap.lines.range({ start: offsets[i], end: offsets[i] }) };
  });
}
