// Hover: ide's Markdown for the occurrence or layer call under the cursor, as an LSP Hover with a range.

import type { Hover } from 'vscode-languageserver';
import { hover as hoverInfo, type HoverOptions } from '../ide/hover';
import { quickHover } from '../ide/hover-quick';
import type { Position } from 'vscode-languageserver';
import type { DocumentStore, Snapshot } from './documents';

export function hover(snap: Snapshot, offset: number, options: HoverOptions): Hover | null {
  const info = hoverInfo(snap.analysis, offset, options);
  return info && { contents: { kind: 'markdown', value: info.markdown }, range: snap.lines.range(info.span) };
}

/**
 * Hover on a version not analysed yet, from its edited statement (core/incremental.ts): undefined where that cannot
 * give the answer the full analysis would, and the caller analyses the version instead.
 */
export function hoverBeforeAnalysis(store: DocumentStore, uri: string, position: Position | undefined): Hover | undefined {
  const pending = store.edited(uri);
  const info = pending?.edited && quickHover(pending.edited, pending.lines.offsetAt(position));
  return info ? { contents: { kind: 'markdown', value: info.markdown }, range: pending.lines.range(info.span) } : undefined;
}
