// Definition, references, highlights and rename for tensors, parameters, blocks, value functions and models, as spans.

import type { Analysis } from '../core/analyze';
import { isBuiltin } from '../core/model/functions';
import { defaultRegistry } from '../core/model/layers';
import type { Span } from '../core/syntax/span';
import { factsOf, occurrenceAt, occurrencesOf, type Occurrence } from './facts';
import type { TextEditFacts } from './formatting';

/** The named thing at `offset` that navigation and rename work on (not layers, keys or values). */
export function symbolAt(analysis: Analysis, offset: number): Occurrence | undefined {
  const occ = occurrenceAt(factsOf(analysis), offset);
  return occ?.key ? occ : undefined;
}

export function definitions(analysis: Analysis, offset: number): Span[] {
  const occ = symbolAt(analysis, offset);
  if (!occ) return [];
  return occurrencesOf(factsOf(analysis), occ.key!)
    .filter((o) => o.def)
    .map((o) => o.span);
}

export function references(analysis: Analysis, offset: number, includeDeclaration: boolean): Span[] {
  const occ = symbolAt(analysis, offset);
  if (!occ) return [];
  return occurrencesOf(factsOf(analysis), occ.key!)
    .filter((o) => includeDeclaration || !o.def)
    .map((o) => o.span);
}

/** Every occurrence of the symbol at `offset`; `write` marks where it is defined. */
export function highlights(analysis: Analysis, offset: number): { readonly span: Span; readonly write: boolean }[] {
  const occ = symbolAt(analysis, offset);
  if (!occ) return [];
  return occurrencesOf(factsOf(analysis), occ.key!).map((o) => ({ span: o.span, write: o.def }));
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['model', 'block', 'train', 'fn', 'in', 'x', 'output', 'true', 'false', 'if', 'else', 'and', 'or', 'not']);

export type RenameOutcome = { readonly kind: 'edits'; readonly edits: TextEditFacts[] } | { readonly kind: 'refused'; readonly reason: string };

/** Every occurrence renamed, or why the new name cannot be used; null when nothing renamable is at `offset`. */
export function rename(analysis: Analysis, offset: number, newName: string): RenameOutcome | null {
  const occ = symbolAt(analysis, offset);
  if (!occ) return null;
  const problem = checkName(analysis, occ, newName);
  if (problem) return { kind: 'refused', reason: problem };
  return { kind: 'edits', edits: occurrencesOf(factsOf(analysis), occ.key!).map((o) => ({ span: o.span, newText: newName })) };
}

function checkName(analysis: Analysis, occ: Occurrence, newName: string): string | undefined {
  if (typeof newName !== 'string' || !IDENT.test(newName))
    return `'${String(newName)}' is not a valid name: use letters, digits and '_', not starting with a digit.`;
  if (RESERVED.has(newName)) return `'${newName}' is reserved.`;
  if (newName === occ.name) return undefined;
  if ((occ.kind === 'block' || occ.kind === 'tensor') && defaultRegistry.get(newName)) return `'${newName}' is a built-in layer.`;
  if (occ.kind === 'fn' && isBuiltin(newName)) return `'${newName}' is a built-in function.`;
  const taken = factsOf(analysis).occurrences.some((o) => o.def && o.name === newName && sameNamespace(o, occ));
  return taken ? `'${newName}' is already defined here.` : undefined;
}

/** Tensors and parameters clash within their item; blocks and models clash file-wide. */
function sameNamespace(a: Occurrence, b: Occurrence): boolean {
  const local = (o: Occurrence) => o.kind === 'tensor' || o.kind === 'param';
  if (local(a) && local(b)) return a.item === b.item;
  return a.kind === b.kind;
}
