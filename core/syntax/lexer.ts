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
  | '//'
  | '%'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
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
  '%': '%',
  '<': '<',
  '>': '>',
  '.': '.',
};

/** Two-character operators, matched before their one-character prefixes. */
const DOUBLE: Record<string, TokenKind> = {
  '->': '->',
  '//': '//',
  '==': '==',
  '!=': '!=',
  '<=': '<=',
  '>=': '>=',
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
  const lexer = new Lexer(text);
  while (lexer.i < text.length) lexer.step();
  lexer.push('eof', text.length, text.length);
  return { tokens: lexer.tokens, comments: lexer.comments, diagnostics: lexer.diagnostics };
}

/** The lexer's state while it walks the text: position, whether a line break came since the last token, pending doc lines. */
class Lexer {
  readonly tokens: Token[] = [];
  readonly comments: Comment[] = [];
  readonly diagnostics: Diagnostic[] = [];
  i = 0;
  private newline = true;
  private docLines: string[] = [];

  constructor(private readonly text: string) {}

  push(kind: TokenKind, start: number, end: number): void {
    const doc = this.docLines.length > 0 ? this.docLines.join('\n') : undefined;
    this.tokens.push({ kind, text: this.text.slice(start, end), span: span(start, end), newlineBefore: this.newline, doc });
    this.newline = false;
    this.docLines = [];
  }

  /** Consumes one token, comment, line break or run of nothing at the current position. */
  step(): void {
    const text = this.text;
    const c = text[this.i];
    if (isLineBreak(text, this.i)) this.lineBreak();
    else if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') this.i++;
    else if (c === '#') this.comment();
    else if (isIdentStart(c)) this.token('ident', scanIdent(text, this.i));
    else if (isDigit(c) || (c === '.' && isDigit(text[this.i + 1] ?? ''))) this.token('number', scanNumber(text, this.i));
    else if (c === '"' || c === "'") this.token('string', scanString(text, this.i, this.diagnostics));
    else if (DOUBLE[c + (text[this.i + 1] ?? '')] !== undefined) this.token(DOUBLE[c + text[this.i + 1]], this.i + 2);
    else if (c === '-') this.token('-', this.i + 1);
    else if (SINGLE[c] !== undefined) this.token(SINGLE[c], this.i + 1);
    else this.unexpected();
  }

  /** Pushes a token from the current position to `end` and moves past it. */
  private token(kind: TokenKind, end: number): void {
    this.push(kind, this.i, end);
    this.i = end;
  }

  private lineBreak(): void {
    // A blank line detaches a doc comment from what follows.
    if (this.newline && this.docLines.length > 0 && lineIsBlank(this.text, this.i)) this.docLines = [];
    this.newline = true;
    this.i++;
  }

  /** `# …` to the line end; `## …` at a line start is a doc comment for the next token. */
  private comment(): void {
    const text = this.text;
    const start = this.i;
    while (this.i < text.length && !isLineBreak(text, this.i)) this.i++;
    const isDoc = text[start + 1] === '#';
    this.comments.push({ span: span(start, this.i), doc: isDoc });
    if (isDoc && this.newline)
      this.docLines.push(
        text
          .slice(start + 2, this.i)
          .replace(/^ /, '')
          .trimEnd(),
      );
  }

  private unexpected(): void {
    const start = this.i;
    // Keep surrogate pairs together so spans never split a character.
    const cp = this.text.codePointAt(start) ?? 0;
    const end = start + (cp > 0xffff ? 2 : 1);
    this.diagnostics.push({
      code: 'unexpected-character',
      severity: 'error',
      message: `Unexpected character '${this.text.slice(start, end)}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')}).`,
      span: span(start, end),
    });
    this.token('error', end);
  }
}

function scanIdent(text: string, i: number): number {
  while (i < text.length && isIdentPart(text[i])) i++;
  return i;
}

/**
 * A line ends at `\n` or at a `\r` not followed by `\n` (the `\r` of `\r\n` is skipped as whitespace): the LSP rules,
 * so the parser's line breaks are the lines an editor shows.
 */
function isLineBreak(text: string, i: number): boolean {
  return text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n');
}

function lineIsBlank(text: string, newlineAt: number): boolean {
  // Called on a line break that follows another one: the line just ended was blank.
  let j = newlineAt - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t' || (text[j] === '\r' && text[j + 1] === '\n'))) j--;
  return j < 0 || isLineBreak(text, j);
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
  while (i < text.length && text[i] !== quote && !isLineBreak(text, i)) {
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
