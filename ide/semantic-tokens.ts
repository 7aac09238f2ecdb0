// Semantic token classes: what each name means (layer, block, tensor, parameter, model…), beyond what the TextMate grammar can know.

import type { Analysis } from '../core/analyze';
import { defaultRegistry } from '../core/model/layers';
import type { Span } from '../core/syntax/span';
import { factsOf, type Occurrence } from './facts';

export const TOKEN_TYPES = [
  'keyword',
  'type',
  'function',
  'class',
  'variable',
  'parameter',
  'property',
  'enumMember',
  'number',
  'string',
  'comment',
  'operator',
] as const;
export const TOKEN_MODIFIERS = ['declaration', 'documentation', 'defaultLibrary'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type Modifier = (typeof TOKEN_MODIFIERS)[number];

/** One classified token: a span (never across lines) with its type and modifiers. */
export interface Classified {
  readonly span: Span;
  readonly type: TokenType;
  readonly modifiers: readonly Modifier[];
}

const OCCURRENCE_TYPE: Record<Occurrence['kind'], TokenType> = {
  model: 'type',
  block: 'class',
  fn: 'function',
  tensor: 'variable',
  param: 'parameter',
  layer: 'function',
  'arg-name': 'property',
  'train-key': 'property',
  value: 'enumMember',
  keyword: 'keyword',
};

const OPERATORS = new Set(['->', '×', '=', '+', '-', '*', '/', '//', '%', '==', '!=', '<', '<=', '>', '>=']);
/** Words that are operators inside values; they name nothing, so they have no occurrence. */
const OPERATOR_WORDS = new Set(['and', 'or', 'not', 'if', 'else']);

/** Every token worth colouring beyond the grammar, in source order. */
export function classify(analysis: Analysis): Classified[] {
  const byStart = new Map<number, Occurrence>();
  for (const o of factsOf(analysis).occurrences) byStart.set(o.span.start, o);
  const out: Classified[] = [];
  for (const t of analysis.parse.tokens) {
    if (t.kind === 'number') out.push({ span: t.span, type: 'number', modifiers: [] });
    else if (t.kind === 'string') out.push({ span: t.span, type: 'string', modifiers: [] });
    else if (OPERATORS.has(t.kind)) out.push({ span: t.span, type: 'operator', modifiers: [] });
    else if (t.kind === 'ident') {
      const occ = byStart.get(t.span.start);
      // `x` as the repetition operator is an identifier token with no occurrence.
      if (occ) out.push({ span: t.span, type: OCCURRENCE_TYPE[occ.kind], modifiers: modifiersOf(occ) });
      else if (t.text === 'x') out.push({ span: t.span, type: 'operator', modifiers: [] });
      else if (OPERATOR_WORDS.has(t.text)) out.push({ span: t.span, type: 'keyword', modifiers: [] });
    }
  }
  for (const c of analysis.parse.comments) out.push({ span: c.span, type: 'comment', modifiers: c.doc ? ['documentation'] : [] });
  return out.sort((a, b) => a.span.start - b.span.start);
}

function modifiersOf(occ: Occurrence): Modifier[] {
  const mods: Modifier[] = [];
  if (occ.def) mods.push('declaration');
  if (occ.kind === 'layer' && defaultRegistry.get(occ.name)) mods.push('defaultLibrary');
  if (occ.kind === 'fn' && occ.key === undefined) mods.push('defaultLibrary');
  return mods;
}
