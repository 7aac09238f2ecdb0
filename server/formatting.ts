// Formatting: ide's canonical layout as LSP text edits; documents too large to analyse are left alone.

import type { TextEdit } from 'vscode-languageserver';
import { formatDocument as formatEdits } from '../ide/formatting';
import type { Snapshot } from './documents';

export function formatDocument(snap: Snapshot): TextEdit[] {
  if (snap.tooLarge) return [];
  return formatEdits(snap.analysis).map((e) => ({ range: snap.lines.range(e.span), newText: e.newText }));
}
