// The parser's token cursor and its one recovery recipe: error reporting, missing nodes, bracket matching, lists.

import type { Diagnostic, Related } from '../diagnostics';
import type * as ast from './ast';
import type { Lexer, Token, TokenKind } from './lexer';
import { span, type Span } from './span';

/** Item keywords: at the start of a line they end whatever construct is still open. */
const ITEM_KEYWORDS = new Set(['block', 'model', 'train', 'fn']);

/** A line-initial `block`/`model`/`train`/`fn`: where skipping after a bad top-level token stops. */
export const atItemKeyword = (t: Token): boolean => t.newlineBefore && ITEM_KEYWORDS.has(t.text);
/** The end of a statement or setting: the closing `}` or the next line. */
export const atStatementEnd = (t: Token): boolean => t.kind === '}' || t.newlineBefore;

/** How one kind of delimited list ends and recovers. */
export interface SyncSet {
  /** Tokens besides the closing bracket that end the list; the end of file and a new item always do. */
  readonly ends: readonly TokenKind[];
  /**
   * `none`: each item ends itself (statements, settings). `commas`: a missing comma is reported and skipped
   * past, to the next comma, the closing bracket or an end token. `loose`: a missing comma ends the list.
   */
  readonly separator: 'none' | 'commas' | 'loose';
  /** A line break ends the list instead of a missing comma, and stops skipping: an unclosed call ends at its line. */
  readonly lineEnds?: boolean;
}

/** The named sync sets, one per list context. */
export const SYNC = {
  /** `block b(a, n = 2) { … }`: the body's `{` ends an unclosed parameter list. */
  params: { ends: ['{'], separator: 'commas' },
  /** `conv2d(32, 3)`: an enclosing `}` or the line end ends an unclosed call. */
  args: { ends: ['}'], separator: 'commas', lineEnds: true },
  /** `(3, 5)` and `[a, b]`: an enclosing `}` ends them. */
  group: { ends: ['}'], separator: 'loose' },
  /** Statements of a body and settings of a train section, each ending itself. */
  body: { ends: [], separator: 'none' },
} as const satisfies Record<string, SyncSet>;

const NO_ITEMS: readonly never[] = Object.freeze([]);

export interface ListResult<T> {
  /** The items; a list without items gets one shared, frozen empty array. */
  readonly items: readonly T[];
  /** End of the closing bracket, or where it should have been. */
  readonly end: number;
  /** Whether a comma separated (or ended) the items: `(x,)` is a tuple, `(x)` is not. */
  readonly commas: boolean;
}

/**
 * The parser's view of the token stream: the current token, one token of lookahead and the previous one, pulled from
 * the lexer as the parser moves, so a large file's tokens are never all alive at once.
 */
export class TokenCursor {
  /** How many tokens have been consumed: the parser compares it to see whether a step made progress. */
  protected pos = 0;
  private lastErrorAt = -1;
  private steps = 0;
  private readonly stepLimit: number;
  private current: Token;
  private following: Token | undefined;
  /** The token before the current one; undefined at the start. */
  protected previous: Token | undefined;

  constructor(
    private readonly lexer: Lexer,
    readonly diagnostics: Diagnostic[],
    protected readonly base: number,
    /** Length of the text being parsed: bounds the steps (a file has at most one token per character, plus `eof`). */
    textLength: number,
  ) {
    this.current = lexer.next();
    this.stepLimit = (textLength + 1) * 8 + 1000;
  }

  protected get tok(): Token {
    return this.current;
  }

  /** The token after the current one (`eof` at the end). */
  protected peek(): Token {
    return (this.following ??= this.lexer.next());
  }

  protected at(kind: TokenKind): boolean {
    return this.tok.kind === kind;
  }

  protected atIdent(name: string): boolean {
    return this.tok.kind === 'ident' && this.tok.text === name;
  }

  /** True at a line-initial `block`/`model`/`train` followed by a name: the start of a new item. */
  protected atItemStart(): boolean {
    return this.tok.newlineBefore && ITEM_KEYWORDS.has(this.tok.text) && this.at('ident') && this.peek().kind === 'ident';
  }

  protected advance(): Token {
    const t = this.tok;
    if (++this.steps > this.stepLimit) throw new Error('parser made no progress (bug)');
    if (t.kind !== 'eof') {
      this.pos++;
      this.previous = t;
      this.current = this.following ?? this.lexer.next();
      this.following = undefined;
    }
    return t;
  }

  protected eat(kind: TokenKind): Token | undefined {
    return this.at(kind) ? this.advance() : undefined;
  }

  /** End of the previous token: where an inserted (missing) token is placed. */
  protected get prevEnd(): number {
    return this.previous !== undefined ? this.previous.end : this.base;
  }

  protected error(message: string, at: Span, related?: Related[], code: 'syntax-error' | 'unclosed-bracket' = 'syntax-error'): void {
    // Never two errors on one token: the first one explains it.
    if (at.start === this.lastErrorAt) return;
    // The lexer already reported the bad character or unterminated string the parser stumbled on.
    const flagged = this.tok.kind === 'error' || isUnterminatedString(this.tok);
    if (flagged && (code === 'syntax-error' || at.start === this.tok.start)) return;
    this.lastErrorAt = at.start;
    this.diagnostics.push({ code, severity: 'error', message, span: at, related });
  }

  protected describe(t: Token): string {
    return t.kind === 'eof' ? 'end of file' : `'${t.text}'`;
  }

  /** Where a missing token is reported: after the previous token when the current one starts a line or ends the file. */
  protected missingAt(): Span {
    const t = this.tok;
    return t.kind === 'eof' || t.newlineBefore ? span(this.prevEnd, this.prevEnd) : t.span;
  }

  protected errorHere(expected: string): void {
    this.error(`Expected ${expected}, found ${this.describe(this.tok)}.`, this.missingAt());
  }

  /** For a token that cannot start what is expected: points at the token itself, even at a line start. */
  protected errorAtToken(expected: string): void {
    const t = this.tok;
    this.error(`Expected ${expected}, found ${this.describe(t)}.`, t.kind === 'eof' ? span(this.prevEnd, this.prevEnd) : t.span);
  }

  protected expectIdent(what: string): ast.Ident {
    if (this.at('ident')) {
      const t = this.advance();
      return { kind: 'ident', name: t.text, span: t.span };
    }
    this.errorHere(what);
    return { kind: 'ident', name: '', span: span(this.prevEnd, this.prevEnd), missing: true };
  }

  /** Expects the closing bracket matching `open`; reports an unclosed bracket with where it opened. */
  protected expectClose(kind: ')' | '}' | ']', open: Token): number {
    const close = this.eat(kind);
    if (close) return close.end;
    // An unterminated string swallowed the bracket; the lexer's diagnostic already explains it.
    if (this.previous !== undefined && isUnterminatedString(this.previous)) return this.prevEnd;
    this.error(
      `Expected '${kind}' to close the '${open.text}', found ${this.describe(this.tok)}.`,
      this.missingAt(),
      [{ span: open.span, message: `'${open.text}' opened here` }],
      'unclosed-bracket',
    );
    return this.prevEnd;
  }

  /** Skips tokens until one in the sync set, without consuming it. */
  protected skipUntil(stop: (t: Token) => boolean): void {
    while (!this.at('eof') && !stop(this.tok)) this.advance();
  }

  /** Parses the items of a list opened by `open` up to its `close`, recovering as `sync` says. */
  protected list<T>(open: Token, close: ')' | '}' | ']', item: () => T | undefined, sync: SyncSet): ListResult<T> {
    const items: T[] = [];
    let commas = false;
    while (!this.at(close) && !this.at('eof') && !sync.ends.includes(this.tok.kind) && !this.atItemStart()) {
      const before = this.pos;
      const parsed = item();
      if (parsed !== undefined) items.push(parsed);
      const separated = this.separator(close, sync);
      if (separated === 'end') break;
      commas ||= separated === 'comma';
      if (this.pos === before) this.advance();
    }
    // `relu()`: every empty list is the same frozen array, not one more object per call.
    // A pushed-to array keeps room for 17 items; the tree keeps an exact copy (most calls have one to four arguments).
    return { items: items.length > 0 ? items.slice() : NO_ITEMS, end: this.expectClose(close, open), commas };
  }

  /** Consumes what follows a list item: a comma, nothing, or (after a missing comma) the tokens up to a sync point. */
  private separator(close: TokenKind, sync: SyncSet): 'comma' | 'none' | 'end' {
    if (sync.separator === 'none') return 'none';
    if (this.eat(',')) return 'comma';
    if (this.at(close)) return 'none';
    if (sync.separator === 'loose' || (sync.lineEnds && this.tok.newlineBefore)) return 'end';
    this.errorHere(`',' or '${close}'`);
    const resume = (t: Token) => t.kind === ',' || t.kind === close || sync.ends.includes(t.kind) || (sync.lineEnds === true && t.newlineBefore);
    this.skipUntil(resume);
    return this.eat(',') ? 'comma' : 'none';
  }
}

export function isUnterminatedString(t: Token): boolean {
  return t.kind === 'string' && (t.text.length < 2 || t.text[t.text.length - 1] !== t.text[0]);
}
