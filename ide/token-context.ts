// Where the cursor is, in token terms: the identifier being typed, the token before it, the open bracket around it.

import type { Token } from '../core/syntax/lexer';
import type { ParseResult } from '../core/syntax/parser';
import type * as ast from '../core/syntax/ast';

/** Calls and lists longer than this many tokens are not searched for their opening bracket. */
const MAX_BACKWARD_TOKENS = 2000;

export interface TokenContext {
  /** Start of the identifier being typed (= offset when none). */
  readonly prefixStart: number;
  readonly prefix: string;
  /** Index of the last token that ends at or before prefixStart; -1 at the start of the file. */
  readonly prev: number;
  readonly tokens: readonly Token[];
  /** The innermost unclosed `(` or `[` before the cursor within the current statement, if any. */
  readonly open?: { readonly index: number; readonly kind: '(' | '['; readonly callee?: string; readonly commas: number };
  /** The item the cursor is in (inside its braces), if any. */
  readonly item?: ast.Item;
  /** True inside a comment or string: no completion there. */
  readonly inert: boolean;
}

export function tokenContext(parse: ParseResult, text: string, offset: number): TokenContext {
  let prefixStart = offset;
  while (prefixStart > 0 && /[A-Za-z0-9_]/.test(text[prefixStart - 1])) prefixStart--;
  const tokens = parse.tokens;
  const prev = lastTokenBefore(tokens, prefixStart);
  const inert = parse.comments.some((c) => c.span.start < offset && offset <= c.span.end) || insideString(tokens, offset);
  return {
    prefixStart,
    prefix: text.slice(prefixStart, offset),
    prev,
    tokens,
    open: openBracket(tokens, prev),
    item: itemAt(parse.file, text, offset),
    inert,
  };
}

function lastTokenBefore(tokens: readonly Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].span.end <= offset && tokens[mid].kind !== 'eof') {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function insideString(tokens: readonly Token[], offset: number): boolean {
  const i = lastTokenBefore(tokens, offset + 1);
  const t = tokens[i + 1] ?? tokens[i];
  return !!t && t.kind === 'string' && t.span.start < offset && offset < t.span.end;
}

function openBracket(tokens: readonly Token[], from: number): TokenContext['open'] {
  let depth = 0;
  let commas = 0;
  for (let i = from; i >= 0 && from - i < MAX_BACKWARD_TOKENS; i--) {
    const k = tokens[i].kind;
    if (k === ')' || k === ']') depth++;
    else if (k === '(' || k === '[') {
      if (depth === 0) {
        const before = tokens[i - 1];
        const callee = k === '(' && before?.kind === 'ident' ? before.text : undefined;
        return { index: i, kind: k, callee, commas };
      }
      depth--;
    } else if (k === '{' || k === '}') return undefined;
    else if (k === ',' && depth === 0) commas++;
  }
  return undefined;
}

/** The item whose braces contain `offset`. An unclosed item extends to the start of the next one. */
export function itemAt(file: ast.SourceFile, text: string, offset: number): ast.Item | undefined {
  const items = file.items;
  for (let i = 0; i < items.length; i++) {
    const body = items[i].bodySpan;
    if (body.end === body.start) continue;
    const closed = body.end - 1 > body.start && text[body.end - 1] === '}';
    const end = closed ? body.end - 1 : (items[i + 1]?.span.start ?? text.length);
    if (offset > body.start && offset <= end) return items[i];
  }
  return undefined;
}
