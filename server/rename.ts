// Rename for tensors, block parameters, blocks and models: every occurrence, after checking the new name is free.

import { ResponseError, ErrorCodes, type Range, type WorkspaceEdit } from 'vscode-languageserver';
import { defaultRegistry } from '../core/model/layers';
import type { Snapshot } from './documents';
import { factsOf, occurrencesOf, type Occurrence } from '../ide/facts';
import { symbolAt } from './navigation';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['model', 'block', 'train', 'in', 'x', 'output', 'true', 'false']);

export function prepareRename(snap: Snapshot, offset: number): Range | null {
  const occ = symbolAt(snap, offset);
  return occ ? snap.lines.range(occ.span) : null;
}

export function rename(snap: Snapshot, offset: number, newName: string): WorkspaceEdit | null {
  const occ = symbolAt(snap, offset);
  if (!occ) return null;
  const problem = checkName(snap, occ, newName);
  if (problem) throw new ResponseError(ErrorCodes.InvalidParams, problem);
  const edits = occurrencesOf(factsOf(snap.analysis), occ.key!).map((o) => ({ range: snap.lines.range(o.span), newText: newName }));
  return { changes: { [snap.uri]: edits } };
}

function checkName(snap: Snapshot, occ: Occurrence, newName: string): string | undefined {
  if (typeof newName !== 'string' || !IDENT.test(newName))
    return `'${String(newName)}' is not a valid name: use letters, digits and '_', not starting with a digit.`;
  if (RESERVED.has(newName)) return `'${newName}' is reserved.`;
  if (newName === occ.name) return undefined;
  if ((occ.kind === 'block' || occ.kind === 'tensor') && defaultRegistry.get(newName)) return `'${newName}' is a built-in layer.`;
  const taken = factsOf(snap.analysis).occurrences.some((o) => o.def && o.name === newName && sameNamespace(o, occ));
  return taken ? `'${newName}' is already defined here.` : undefined;
}

/** Tensors and parameters clash within their item; blocks and models clash file-wide. */
function sameNamespace(a: Occurrence, b: Occurrence): boolean {
  const local = (o: Occurrence) => o.kind === 'tensor' || o.kind === 'param';
  if (local(a) && local(b)) return a.item === b.item;
  return a.kind === b.kind;
}
