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

/**
 * One token. Its offsets are plain numbers and `span` is made on request: most tokens (brackets, commas) never need
 * a span object, and a large file has hundreds of thousands of tokens alive until its analysis returns.
 */
export class Token {
  constructor(
    readonly kind: TokenKind,
    readonly text: string,
    readonly start: number,
    readonly end: number,
    /** True when a line break separates this token from the previous one. */
    readonly newlineBefore: boolean,
    /** Text of the `##` doc comment lines directly above this token, if any. */
    readonly doc: string | undefined,
  ) {}

  get span(): Span {
    return span(this.start, this.end);
  }
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

// Operators by code unit (a pair as first * 65536 + second): matching one allocates no string.
const SINGLE_BY_CODE = new Map(Object.entries(SINGLE).map(([c, kind]) => [c.charCodeAt(0), kind]));
const DOUBLE_BY_CODES = new Map(Object.entries(DOUBLE).map(([c, kind]) => [c.charCodeAt(0) * 65536 + c.charCodeAt(1), kind]));

// Character classes by UTF-16 code unit: the lexer reads codes, never one-character strings or regular expressions,
// so a megabyte of text costs no allocation per character (a 100,000-layer file spent most of its lexing in the GC).
const IDENT_START = new Uint8Array(128);
const IDENT_PART = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  IDENT_START[c] = /[A-Za-z_]/.test(ch) ? 1 : 0;
  IDENT_PART[c] = /[A-Za-z0-9_]/.test(ch) ? 1 : 0;
}
const NL = 10;
const CR = 13;
const isIdentStartCode = (c: number) => c < 128 && IDENT_START[c] === 1;
const isIdentPartCode = (c: number) => c < 128 && IDENT_PART[c] === 1;
const isDigitCode = (c: number) => c >= 48 && c <= 57;

/**
 * Tokenizes `text`. Total: every input yields tokens ending with `eof`. Spans start at `base`, so text
 * that is not the user's document (the block library) gets offsets that can never be mistaken for it.
 */
export function lex(text: string, base = 0): LexResult {
  const lexer = new Lexer(text, base);
  const tokens: Token[] = [];
  for (let t = lexer.next(); ; t = lexer.next()) {
    tokens.push(t);
    if (t.kind === 'eof') break;
  }
  return { tokens, comments: lexer.comments, diagnostics: lexer.diagnostics };
}

/**
 * The lexer's state while it walks the text: position, whether a line break came since the last token, pending doc
 * lines. It hands out one token at a time (`next`), so the parser holds only the few it looks at: a large file's
 * tokens die young instead of all living, and being copied by the garbage collector, until the parse ends.
 * Comments and diagnostics accumulate; they are complete once `next` has returned `eof`.
 */
export class Lexer {
  readonly comments: Comment[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private i = 0;
  private newline = true;
  private docLines: string[] = [];
  private readonly names = new Interner();
  /** The token `step` produced, until `next` hands it out. */
  private pending: Token | undefined;
  private eof: Token | undefined;

  constructor(
    private readonly text: string,
    /** Added to every offset the lexer reports. */
    private readonly base = 0,
  ) {}

  /** The next token; at the end of the text, the one `eof` token, again and again. */
  next(): Token {
    const text = this.text;
    while (this.pending === undefined && this.i < text.length) this.step();
    const t = this.pending ?? (this.eof ??= this.make('eof', text.length, text.length));
    this.pending = undefined;
    return t;
  }

  /** Reads to the end of the text, so `comments` and `diagnostics` are complete. */
  drain(): void {
    while (this.next().kind !== 'eof');
  }

  private push(kind: TokenKind, start: number, end: number): void {
    this.pending = this.make(kind, start, end);
  }

  private make(kind: TokenKind, start: number, end: number): Token {
    let doc: string | undefined;
    if (this.docLines.length > 0) {
      doc = this.docLines.join('\n');
      this.docLines = [];
    }
    // An operator's text is its kind, and names and numbers repeat: most tokens slice nothing from the source.
    const text =
      kind === 'ident' || kind === 'number'
        ? this.names.text(this.text, start, end)
        : kind === 'string' || kind === 'error' || kind === 'eof'
          ? this.text.slice(start, end)
          : kind;
    const token = new Token(kind, text, start + this.base, end + this.base, this.newline, doc);
    this.newline = false;
    return token;
  }

  /** Consumes one token, comment, line break or run of nothing at the current position. */
  private step(): void {
    const text = this.text;
    const code = text.charCodeAt(this.i);
    if (code === 32) this.i++;
    else if (isIdentStartCode(code)) this.token('ident', scanIdent(text, this.i));
    else if (isLineBreak(text, this.i)) this.lineBreak();
    else if (code === 9 || code === CR || code === 0xfeff) this.i++;
    else if (code === 35 /* # */) this.comment();
    else if (isDigitCode(code) || (code === 46 /* . */ && isDigitCode(text.charCodeAt(this.i + 1)))) this.token('number', scanNumber(text, this.i));
    else if (code === 34 || code === 39 /* " ' */) this.token('string', scanString(text, this.i, this.diagnostics, this.base));
    else this.operator(code);
  }

  private operator(code: number): void {
    const double = this.i + 1 < this.text.length ? DOUBLE_BY_CODES.get(code * 65536 + this.text.charCodeAt(this.i + 1)) : undefined;
    const single = SINGLE_BY_CODE.get(code);
    if (double !== undefined) this.token(double, this.i + 2);
    else if (code === 45 /* - */) this.token('-', this.i + 1);
    else if (single !== undefined) this.token(single, this.i + 1);
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
    this.comments.push({ span: span(start + this.base, this.i + this.base), doc: isDoc });
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
      span: span(start + this.base, end + this.base),
    });
    this.token('error', end);
  }
}

/**
 * One string per distinct short name or number: a large model says `dense` and `relu` a hundred thousand times, and
 * each copy would be another object kept alive until the analysis returns. Looked up by a hash of the characters, so
 * a name seen before costs no allocation; a collision just slices.
 */
class Interner {
  private readonly table = new Map<number, string>();

  text(source: string, start: number, end: number): string {
    if (end - start > 32) return source.slice(start, end);
    let h = end - start;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + source.charCodeAt(i)) | 0;
    const known = this.table.get(h);
    if (known !== undefined && sameText(known, source, start, end)) return known;
    const text = source.slice(start, end);
    if (known === undefined && this.table.size < 65_536) this.table.set(h, text);
    return text;
  }
}

function sameText(known: string, source: string, start: number, end: number): boolean {
  if (known.length !== end - start) return false;
  for (let i = 0; i < known.length; i++) if (known.charCodeAt(i) !== source.charCodeAt(start + i)) return false;
  return true;
}

function scanIdent(text: string, i: number): number {
  while (i < text.length && isIdentPartCode(text.charCodeAt(i))) i++;
  return i;
}

/**
 * A line ends at `\n` or at a `\r` not followed by `\n` (the `\r` of `\r\n` is skipped as whitespace): the LSP rules,
 * so the parser's line breaks are the lines an editor shows.
 */
function isLineBreak(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === NL || (c === CR && text.charCodeAt(i + 1) !== NL);
}

function lineIsBlank(text: string, newlineAt: number): boolean {
  // Called on a line break that follows another one: the line just ended was blank.
  let j = newlineAt - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t' || (text[j] === '\r' && text[j + 1] === '\n'))) j--;
  return j < 0 || isLineBreak(text, j);
}

function scanNumber(text: string, i: number): number {
  while (i < text.length && (isDigitCode(text.charCodeAt(i)) || text.charCodeAt(i) === 95) /* _ */) i++;
  if (text[i] === '.' && isDigitCode(text.charCodeAt(i + 1))) {
    i++;
    while (i < text.length && isDigitCode(text.charCodeAt(i))) i++;
  }
  if ((text[i] === 'e' || text[i] === 'E') && /[0-9+-]/.test(text[i + 1] ?? '')) {
    const save = i;
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!isDigitCode(text.charCodeAt(i))) return save;
    while (i < text.length && isDigitCode(text.charCodeAt(i))) i++;
  }
  return i;
}

function scanString(text: string, i: number, diagnostics: Diagnostic[], base: number): number {
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
    span: span(start + base, Math.min(i, text.length) + base),
  });
  return Math.min(i, text.length);
}
