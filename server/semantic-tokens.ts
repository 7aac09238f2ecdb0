// Semantic tokens: what each name means (layer, block, tensor, parameter, model…), beyond what the TextMate grammar can know.

import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import { defaultRegistry } from '../core/model/layers';
import type { Span } from '../core/syntax/span';
import type { Snapshot } from './documents';
import { factsOf, type Occurrence } from '../ide/facts';

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
export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
type Modifier = (typeof TOKEN_MODIFIERS)[number];

interface Classified {
  readonly span: Span;
  readonly type: TokenType;
  readonly modifiers: readonly Modifier[];
}

const OCCURRENCE_TYPE: Record<Occurrence['kind'], TokenType> = {
  model: 'type',
  block: 'class',
  tensor: 'variable',
  param: 'parameter',
  layer: 'function',
  'arg-name': 'property',
  'train-key': 'property',
  value: 'enumMember',
  keyword: 'keyword',
};

const OPERATORS = new Set(['->', '×', '=', '+', '-', '*', '/']);

export function semanticTokens(snap: Snapshot): SemanticTokens {
  return { data: encode(snap, classify(snap)) };
}

function classify(snap: Snapshot): Classified[] {
  const byStart = new Map<number, Occurrence>();
  for (const o of factsOf(snap.analysis).occurrences) byStart.set(o.span.start, o);
  const out: Classified[] = [];
  for (const t of snap.analysis.parse.tokens) {
    if (t.kind === 'number') out.push({ span: t.span, type: 'number', modifiers: [] });
    else if (t.kind === 'string') out.push({ span: t.span, type: 'string', modifiers: [] });
    else if (OPERATORS.has(t.kind)) out.push({ span: t.span, type: 'operator', modifiers: [] });
    else if (t.kind === 'ident') {
      const occ = byStart.get(t.span.start);
      // `x` as the repetition operator is an identifier token with no occurrence.
      if (occ) out.push({ span: t.span, type: OCCURRENCE_TYPE[occ.kind], modifiers: modifiersOf(occ) });
      else if (t.text === 'x') out.push({ span: t.span, type: 'operator', modifiers: [] });
    }
  }
  for (const c of snap.analysis.parse.comments) out.push({ span: c.span, type: 'comment', modifiers: c.doc ? ['documentation'] : [] });
  return out.sort((a, b) => a.span.start - b.span.start);
}

function modifiersOf(occ: Occurrence): Modifier[] {
  const mods: Modifier[] = [];
  if (occ.def) mods.push('declaration');
  if (occ.kind === 'layer' && defaultRegistry.get(occ.name)) mods.push('defaultLibrary');
  return mods;
}

/** LSP's relative encoding: (Δline, Δstart, length, type, modifier bits) per token; tokens never span lines here. */
function encode(snap: Snapshot, tokens: readonly Classified[]): number[] {
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const t of tokens) {
    const start = snap.lines.position(t.span.start);
    const end = snap.lines.position(t.span.end);
    const length = end.line === start.line ? end.character - start.character : snap.lines.lineEnd(start.line) - t.span.start;
    if (length <= 0) continue;
    const dLine = start.line - prevLine;
    const dChar = dLine === 0 ? start.character - prevChar : start.character;
    const bits = t.modifiers.reduce((b, m) => b | (1 << TOKEN_MODIFIERS.indexOf(m)), 0);
    data.push(dLine, dChar, length, TOKEN_TYPES.indexOf(t.type), bits);
    prevLine = start.line;
    prevChar = start.character;
  }
  return data;
}
