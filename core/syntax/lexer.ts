// Lexer: turns text into tokens that never fail; bad characters become `error` tokens plus a diagnostic.

import type { Diagnostic } from '../diagnostics';
import { span, type Span } from './span';

export type TokenKind =
  | 'ident'
  | 'number'
  | 'string'
  | '('
  | ')'
  | '{'
  | '}'
  | '['
  | ']'
  | ','
  | ':'
  | ';'
  | '='
  | '->'
  | '×'
  | '*'
  | '+'
  | '-'
  | '/'
  | '.'
  | 'error'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly span: Span;
  /** True when a line break separates this token from the previous one. */
  readonly newlineBefore: boolean;
  /** Text of the `##` doc comment lines directly above this token, if any. */
  readonly doc?: string;
}

export interface Comment {
  readonly span: Span;
  readonly doc: boolean;
}

export interface LexResult {
  readonly tokens: Token[];
  readonly comments: Comment[];
  readonly diagnostics: Diagnostic[];
}

const SINGLE: Record<string, TokenKind> = {
  '(': '(',
  ')': ')',
  '{': '{',
  '}': '}',
  '[': '[',
  ']': ']',
  ',': ',',
  ':': ':',
  ';': ';',
  '=': '=',
  '×': '×',
  '*': '*',
  '+': '+',
  '/': '/',
  '.': '.',
};

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

/**
 * Tokenizes `text`. Total: every input yields tokens ending with `eof`. Spans start at `base`, so text
 * that is not the user's document (the block library) gets offsets that can never be mistaken for it.
 */
export function lex(text: string, base = 0): LexResult {
  const result = lexText(text);
  if (base === 0) return result;
  const shift = (s: Span) => span(s.start + base, s.end + base);
  return {
    tokens: result.tokens.map((t) => ({ ...t, span: shift(t.span) })),
    comments: result.comments.map((c) => ({ ...c, span: shift(c.span) })),
    diagnostics: result.diagnostics.map((d) => ({ ...d, span: shift(d.span) })),
  };
}

function lexText(text: string): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  const diagnostics: Diagnostic[] = [];
  let i = 0;
  let newline = true;
  let docLines: string[] = [];

  const push = (kind: TokenKind, start: number, end: number) => {
    const doc = docLines.length > 0 ? docLines.join('\n') : undefined;
    tokens.push({ kind, text: text.slice(start, end), span: span(start, end), newlineBefore: newline, doc });
    newline = false;
    docLines = [];
  };

  while (i < text.length) {
    const c = text[i];
    if (isLineEnd(text, i)) {
      // A blank line detaches a doc comment from what follows.
      if (newline && docLines.length > 0 && lineIsBlank(text, i)) docLines = [];
      newline = true;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
      i++;
    } else if (c === '#') {
      const start = i;
      while (i < text.length && !isLineEnd(text, i)) i++;
      const isDoc = text[start + 1] === '#';
      comments.push({ span: span(start, i), doc: isDoc });
      if (isDoc && newline)
        docLines.push(
          text
            .slice(start + 2, i)
            .replace(/^ /, '')
            .trimEnd(),
        );
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < text.length && isIdentPart(text[i])) i++;
      push('ident', start, i);
    } else if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      const start = i;
      i = scanNumber(text, i);
      push('number', start, i);
    } else if (c === '"' || c === "'") {
      const start = i;
      i = scanString(text, i, diagnostics);
      push('string', start, i);
    } else if (c === '-' && text[i + 1] === '>') {
      push('->', i, i + 2);
      i += 2;
    } else if (c === '-') {
      push('-', i, i + 1);
      i++;
    } else if (SINGLE[c] !== undefined) {
      push(SINGLE[c], i, i + 1);
      i++;
    } else {
      const start = i;
      // Keep surrogate pairs together so spans never split a character.
      const cp = text.codePointAt(i) ?? 0;
      i += cp > 0xffff ? 2 : 1;
      diagnostics.push({
        code: 'unexpected-character',
        severity: 'error',
        message: `Unexpected character '${text.slice(start, i)}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')}).`,
        span: span(start, i),
      });
      push('error', start, i);
    }
  }
  push('eof', text.length, text.length);
  return { tokens, comments, diagnostics };
}

function lineIsBlank(text: string, newlineAt: number): boolean {
  // Called on a newline that follows another newline: the line just ended was blank.
  let j = newlineAt - 1;
  if (text[newlineAt] === '\n' && text[j] === '\r') j--;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  return j < 0 || isLineEnd(text, j);
}

/** Lines end at `\n`, `\r\n` (at its `\n`) or a lone `\r`: the rule of ide's LineIndex and of every editor. */
function isLineEnd(text: string, i: number): boolean {
  return text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n');
}

function scanNumber(text: string, i: number): number {
  while (i < text.length && (isDigit(text[i]) || text[i] === '_')) i++;
  if (text[i] === '.' && isDigit(text[i + 1] ?? '')) {
    i++;
    while (i < text.length && isDigit(text[i])) i++;
  }
  if ((text[i] === 'e' || text[i] === 'E') && /[0-9+-]/.test(text[i + 1] ?? '')) {
    const save = i;
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!isDigit(text[i] ?? '')) return save;
    while (i < text.length && isDigit(text[i])) i++;
  }
  return i;
}

function scanString(text: string, i: number, diagnostics: Diagnostic[]): number {
  const quote = text[i];
  const start = i;
  i++;
  while (i < text.length && text[i] !== quote && !isLineEnd(text, i)) {
    i += text[i] === '\\' ? 2 : 1;
  }
  if (text[i] === quote) return i + 1;
  diagnostics.push({
    code: 'unterminated-string',
    severity: 'error',
    message: `Unterminated string: expected a closing ${quote} before the end of the line.`,
    span: span(start, Math.min(i, text.length)),
  });
  return Math.min(i, text.length);
}
