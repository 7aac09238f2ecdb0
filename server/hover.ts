// Hover: ide's Markdown for the occurrence or layer call under the cursor, as an LSP Hover with a range.

import type { Hover } from 'vscode-languageserver';
import { hover as hoverInfo, type HoverOptions } from '../ide/hover';
import type { Snapshot } from './documents';

export function hover(snap: Snapshot, offset: number, options: HoverOptions): Hover | null {
  const info = hoverInfo(snap.analysis, offset, options);
  return info && { contents: { kind: 'markdown', value: info.markdown }, range: snap.lines.range(info.span) };
}
