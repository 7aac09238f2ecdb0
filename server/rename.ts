// Rename: ide's edits for every occurrence as a workspace edit; a refused name is an InvalidParams error.

import { ResponseError, ErrorCodes, type Range, type WorkspaceEdit } from 'vscode-languageserver';
import { rename as renameEdits, symbolAt } from '../ide/navigation';
import type { Snapshot } from './documents';

export function prepareRename(snap: Snapshot, offset: number): Range | null {
  const occ = symbolAt(snap.analysis, offset);
  return occ ? snap.lines.range(occ.span) : null;
}

export function rename(snap: Snapshot, offset: number, newName: string): WorkspaceEdit | null {
  const outcome = renameEdits(snap.analysis, offset, newName);
  if (!outcome) return null;
  if (outcome.kind === 'refused') throw new ResponseError(ErrorCodes.InvalidParams, outcome.reason);
  return { changes: { [snap.uri]: outcome.edits.map((e) => ({ range: snap.lines.range(e.span), newText: e.newText })) } };
}
