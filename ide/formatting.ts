// Formatting: one canonical layout (2-space indent, `name: value`, one statement per line). Idempotent; refuses on syntax errors.

import type { Analysis } from '../core/analyze';
import type { Token } from '../core/syntax/lexer';
import { parse, type ParseResult } from '../core/syntax/parser';
import type { Span } from '../core/syntax/span';
import type * as ast from '../core/syntax/ast';

const INDENT = '  ';
const NO_SPACE_BEFORE = new Set([',', ')', ']', ':', ';', '.']);
const NO_SPACE_AFTER = new Set(['(', '[', '.']);
/** After these a `-` is a sign, not a subtraction. */
const UNARY_CONTEXT = new Set(['(', '[', ',', ':', '=', '->', '×', '*', '+', '-', '/', '{', '//', '%', '==', '!=', '<', '<=', '>', '>=']);
/** Words after which a `-` is a sign too. */
const UNARY_WORDS = new Set(['if', 'else', 'and', 'or', 'not']);
const CONTINUES = new Set(['->', '=', '+', '-', '*', '/', '×', ',', ':', '//', '%', '==', '!=', '<', '<=', '>', '>=']);

/** A replacement of the text in `span`. */
export interface TextEditFacts {
  readonly span: Span;
  readonly newText: string;
}

/** One edit replacing the whole document with its canonical layout; none when it already is, or has syntax errors. */
export function formatDocument(analysis: Analysis): TextEditFacts[] {
  const text = analysis.text;
  const formatted = formatText(text, analysis.parse);
  if (formatted === undefined || formatted === text) return [];
  return [{ span: { start: 0, end: text.length }, newText: formatted }];
}

/** The formatted text, or undefined when the file has syntax errors (or formatting would change its tokens). */
export function formatText(text: string, parsed: ParseResult = parse(text)): string | undefined {
  if (parsed.diagnostics.length > 0) return undefined;
  const out = new Printer(text, parsed).print();
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const result = out.replace(/\n/g, eol);
  return sameTokens(parsed, parse(result)) ? result : undefined;
}

interface Piece {
  readonly start: number;
  readonly end: number;
  readonly token?: Token;
  readonly comment?: boolean;
}

class Printer {
  private readonly lines: string[] = [];
  private line = '';
  private braces = 0;
  private readonly brackets: string[] = [];
  private readonly statementStarts = new Set<number>();
  /** Where an `else` of an `if` statement starts: it stays on the line of the `}` before it. */
  private readonly elseStarts = new Set<number>();
  private readonly trainBodies: { start: number; end: number }[] = [];
  private prev: Piece | undefined;
  private prevToken: Token | undefined;

  constructor(
    private readonly text: string,
    private readonly parsed: ParseResult,
  ) {
    for (const item of parsed.file.items) {
      this.statementStarts.add(item.span.start);
      if (item.kind === 'train') {
        this.trainBodies.push(item.bodySpan);
        for (const e of item.entries) this.statementStarts.add(e.span.start);
      } else if (item.kind === 'fn') {
        for (const l of item.locals) this.statementStarts.add(l.span.start);
        this.statementStarts.add(item.result.span.start);
      } else this.addStatements(item.body);
    }
  }

  private addStatements(body: readonly ast.BodyStatement[]): void {
    for (const s of body) {
      this.statementStarts.add(s.span.start);
      if (s.kind !== 'if') continue;
      s.branches.forEach((b, i) => {
        if (i > 0) this.elseStarts.add(b.keyword.start);
        this.addStatements(b.body);
      });
    }
  }

  print(): string {
    for (const piece of this.pieces()) {
      if (piece.token && this.dropped(piece.token)) continue;
      this.place(piece);
      this.emit(piece);
      this.prev = piece;
    }
    this.flush();
    while (this.lines.length > 0 && this.lines[this.lines.length - 1] === '') this.lines.pop();
    return this.lines.length === 0 ? '' : this.lines.join('\n') + '\n';
  }

  private pieces(): Piece[] {
    const tokens: Piece[] = this.parsed.tokens.filter((t) => t.kind !== 'eof').map((t) => ({ start: t.span.start, end: t.span.end, token: t }));
    const comments: Piece[] = this.parsed.comments.map((c) => ({ start: c.span.start, end: c.span.end, comment: true }));
    return [...tokens, ...comments].sort((a, b) => a.start - b.start);
  }

  /** Statement separators become line breaks: `;` anywhere at bracket depth 0, `,` between training settings. */
  private dropped(t: Token): boolean {
    if (this.brackets.length > 0) return false;
    if (t.kind === ';') return true;
    return t.kind === ',' && this.trainBodies.some((b) => t.span.start > b.start && t.span.start < b.end);
  }

  /** Decides whether the piece starts a new line (and a blank one before it), then indents. */
  private place(piece: Piece): void {
    if (!this.prev) return;
    const gap = this.text.slice(this.prev.end, piece.start);
    const newlines = countNewlines(gap);
    const kind = piece.token?.kind;
    const afterOpenBrace = this.prevToken?.kind === '{' && this.prev.token === this.prevToken;
    const forced = this.statementStarts.has(piece.start) || kind === '}' || afterOpenBrace || !!this.prev.comment;
    if (piece.comment && newlines === 0) {
      this.line += '  ';
      return;
    }
    if (this.elseStarts.has(piece.start) && this.prevToken?.kind === '}' && this.prev.token === this.prevToken) {
      this.line += ' ';
      return;
    }
    if (!forced && newlines === 0) {
      this.line += this.spaceBetween(piece.token!);
      return;
    }
    this.flush();
    // Top-level items are separated by exactly one blank line; elsewhere one blank line is kept where there was one or more.
    const afterItem = this.braces === 0 && this.prevToken?.kind === '}' && this.prev.token === this.prevToken;
    const blank = afterItem || (newlines >= 2 && this.brackets.length === 0 && kind !== '}' && !afterOpenBrace);
    if (blank) this.lines.push('');
    if (kind === '}') this.braces = Math.max(0, this.braces - 1);
    const continuation = this.brackets.length === 0 && !forced && (kind === '->' || CONTINUES.has(this.prevToken?.kind ?? ''));
    this.line = INDENT.repeat(this.braces + this.brackets.length + (continuation ? 1 : 0));
  }

  private spaceBetween(t: Token): string {
    const p = this.prevToken;
    if (!p) return '';
    if (NO_SPACE_BEFORE.has(t.kind) || NO_SPACE_AFTER.has(p.kind)) return '';
    if ((t.kind === '(' || t.kind === '[') && p.kind === 'ident') return '';
    if (p.kind === '-' && this.isUnary(p)) return '';
    return ' ';
  }

  private isUnary(minus: Token): boolean {
    const i = this.parsed.tokens.indexOf(minus);
    const before = this.parsed.tokens[i - 1];
    return !before || UNARY_CONTEXT.has(before.kind) || (before.kind === 'ident' && UNARY_WORDS.has(before.text));
  }

  private emit(piece: Piece): void {
    if (piece.comment) {
      this.line += this.text.slice(piece.start, piece.end).trimEnd();
      return;
    }
    const t = piece.token!;
    if (this.prev === undefined && t.kind === '}') this.braces = Math.max(0, this.braces - 1);
    this.line += t.text;
    this.prevToken = t;
    if (t.kind === '{') this.braces++;
    else if (t.kind === '(' || t.kind === '[') this.brackets.push(t.kind);
    else if (t.kind === ')' || t.kind === ']') this.brackets.pop();
  }

  private flush(): void {
    this.lines.push(this.line.trimEnd());
    this.line = '';
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

/** Formatting may only move whitespace and drop separators: compare everything else. */
function sameTokens(before: ParseResult, after: ParseResult): boolean {
  if (after.diagnostics.length > 0) return false;
  const significant = (p: ParseResult) => p.tokens.filter((t) => t.kind !== ';' && t.kind !== ',').map((t) => t.text);
  const a = significant(before);
  const b = significant(after);
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) return false;
  return before.comments.length === after.comments.length;
}
