// The expression half of the parser: values with Python's precedence, calls, arguments and chain elements.

import type * as ast from './ast';
import { SYNC, TokenCursor } from './cursor';
import type { TokenKind } from './lexer';
import { cover, span } from './span';

/** Expressions and bodies nest at most this deep; deeper input is reported, not recursed into. */
export const MAX_DEPTH = 200;

const COMPARISONS: ReadonlySet<TokenKind> = new Set(['==', '!=', '<', '<=', '>', '>=']);
/** Words that are operators inside a value, so never a name there. */
const OPERATOR_WORDS = new Set(['if', 'else', 'and', 'or']);

export class ExpressionParser extends TokenCursor {
  protected depth = 0;

  /** elem := IDENT '(' args ')' repeat? | IDENT */
  protected parseElem(): ast.ChainElem {
    if (this.at('ident') && this.peek().kind === '(') {
      const call = this.parseCall();
      const repeat = this.parseRepeat();
      return { kind: 'layer', call, repeat, span: repeat ? cover(call.span, repeat.span) : call.span };
    }
    return this.expectIdent('a layer or a tensor name');
  }

  /** repeat := ('×' | '*' | 'x') unary */
  private parseRepeat(): ast.Expr | undefined {
    const isX = this.atIdent('x') && !this.tok.newlineBefore && this.peek().kind !== '=' && this.peek().kind !== '->';
    if (this.at('×') || this.at('*') || isX) {
      this.advance();
      // `relu() ×` at a line end: the count is missing; the next line is a statement of its own.
      if (this.tok.newlineBefore || this.at('eof')) {
        this.errorHere('a repetition count');
        return { kind: 'missing', span: span(this.prevEnd, this.prevEnd) };
      }
      return this.parseUnary();
    }
    return undefined;
  }

  /** call := IDENT '(' (arg (',' arg)* ','?)? ')' */
  protected parseCall(): ast.CallExpr {
    const callee = this.expectIdent('a name');
    const open = this.advance(); // '('
    const { items: args, end } = this.list(open, ')', () => this.parseArg(), SYNC.args);
    return { kind: 'call', callee, args, argsStart: open.start, span: span(callee.span.start, end) };
  }

  /** arg := (IDENT ':')? (expr | IDENT ('->' elem)+) */
  private parseArg(): ast.Arg {
    let name: ast.Ident | undefined;
    if (this.at('ident') && this.peek().kind === ':') {
      name = this.expectIdent('an argument name');
      this.advance();
    }
    let value = this.parseExpr();
    if (value.kind === 'ident' && this.at('->')) {
      const elems: ast.ChainElem[] = [value];
      while (this.eat('->')) elems.push(this.parseElem());
      value = { kind: 'chain', elems, span: cover(value.span, elems[elems.length - 1].span) };
    }
    return { name, value, span: name ? cover(name.span, value.span) : value.span };
  }

  /** expr := or ('if' or 'else' expr)? — the conditional value, right-associative. */
  parseExpr(): ast.Expr {
    if (this.depth >= MAX_DEPTH) return this.tooDeep();
    this.depth++;
    const then = this.parseOr();
    const result = this.atWord('if') ? this.parseConditional(then) : then;
    this.depth--;
    return result;
  }

  private parseConditional(then: ast.Expr): ast.CondExpr {
    this.advance();
    const cond = this.parseOr();
    let otherwise: ast.Expr;
    if (this.atWord('else')) {
      this.advance();
      otherwise = this.parseExpr();
    } else {
      this.errorHere("'else' and the value when the condition is false");
      otherwise = { kind: 'missing', span: span(this.prevEnd, this.prevEnd) };
    }
    return { kind: 'cond', then, cond, otherwise, span: cover(then.span, otherwise.span) };
  }

  /** or := and ('or' and)* ; and := not ('and' not)* */
  private parseOr(): ast.Expr {
    let left = this.parseAnd();
    while (this.atWord('or')) {
      this.advance();
      const right = this.parseAnd();
      left = { kind: 'binary', op: 'or', left, right, span: cover(left.span, right.span) };
    }
    return left;
  }

  private parseAnd(): ast.Expr {
    let left = this.parseNot();
    while (this.atWord('and')) {
      this.advance();
      const right = this.parseNot();
      left = { kind: 'binary', op: 'and', left, right, span: cover(left.span, right.span) };
    }
    return left;
  }

  /** not := 'not' not | comparison */
  private parseNot(): ast.Expr {
    if (!this.atIdent('not') || this.endsValue(this.peek().kind)) return this.parseComparison();
    const kw = this.advance();
    if (this.depth >= MAX_DEPTH) return this.tooDeep();
    this.depth++;
    const operand = this.parseNot();
    this.depth--;
    return { kind: 'unary', op: 'not', operand, span: cover(kw.span, operand.span) };
  }

  /** comparison := sum (CMP sum)? — comparisons do not chain. */
  private parseComparison(): ast.Expr {
    const before = this.diagnostics.length;
    const left = this.parseSum();
    if (!COMPARISONS.has(this.tok.kind) || this.tok.newlineBefore) return left;
    const op = this.advance().kind as ast.ComparisonOp;
    const right = this.parseSum();
    const result: ast.Expr = { kind: 'binary', op, left, right, span: cover(left.span, right.span) };
    if (COMPARISONS.has(this.tok.kind) && !this.tok.newlineBefore) {
      const extra = this.advance();
      const rest = this.parseSum();
      if (this.diagnostics.length === before)
        this.error(
          `Comparisons do not chain: write \`a ${op} b and b ${extra.text} c\` instead of \`a ${op} b ${extra.text} c\`.`,
          span(extra.span.start, Math.max(extra.span.end, rest.span.end)),
        );
    }
    return result;
  }

  /** sum := term (('+' | '-') term)* */
  private parseSum(): ast.Expr {
    let left = this.parseTerm();
    while (this.at('+') || this.at('-')) {
      const op = this.advance().kind as '+' | '-';
      const right = this.parseTerm();
      left = { kind: 'binary', op, left, right, span: cover(left.span, right.span) };
    }
    return left;
  }

  /** term := unary (('*' | '/' | '//' | '%') unary)* */
  private parseTerm(): ast.Expr {
    let left = this.parseUnary();
    while ((this.at('*') || this.at('/') || this.at('//') || this.at('%')) && !this.tok.newlineBefore) {
      const op = this.advance().kind as '*' | '/' | '//' | '%';
      const right = this.parseUnary();
      left = { kind: 'binary', op, left, right, span: cover(left.span, right.span) };
    }
    return left;
  }

  /** unary := '-' unary | primary */
  private parseUnary(): ast.Expr {
    if (this.at('-')) {
      const minus = this.advance();
      if (this.depth >= MAX_DEPTH) return this.tooDeep();
      this.depth++;
      const operand = this.parseUnary();
      this.depth--;
      return { kind: 'unary', op: '-', operand, span: cover(minus.span, operand.span) };
    }
    return this.parsePrimary();
  }

  /** primary := NUMBER | STRING | IDENT | call | '(' expr (',' expr)* ')' | '[' (expr (',' expr)*)? ']' */
  private parsePrimary(): ast.Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'number':
        this.advance();
        return { kind: 'number', value: Number(t.text.includes('_') ? t.text.replace(/_/g, '') : t.text), text: t.text, span: t.span };
      case 'string':
        this.advance();
        return { kind: 'string', value: unquote(t.text), span: t.span };
      case 'ident':
        // An operator word, or a new item after an operator at a line end (`a +` then `model M {`), is no value.
        if (OPERATOR_WORDS.has(t.text) || this.atItemStart()) break;
        if (this.peek().kind === '(') return this.parseCall();
        this.advance();
        return { kind: 'ident', name: t.text, span: t.span };
      case '(':
      case '[':
        return this.parseGroup();
    }
    this.errorHere('a value (a number, name, string, tuple or list)');
    return { kind: 'missing', span: t.kind === 'eof' || t.newlineBefore ? span(this.prevEnd, this.prevEnd) : t.span };
  }

  /** group := '(' expr ')' | '(' (expr (',' expr)* ','?)? ')' | '[' (expr (',' expr)* ','?)? ']' */
  private parseGroup(): ast.Expr {
    const open = this.advance();
    const close = open.kind === '(' ? ')' : ']';
    const { items, end, commas } = this.list(open, close, () => this.parseExpr(), SYNC.group);
    const s = span(open.start, end);
    if (open.kind === '[') return { kind: 'list', items, span: s };
    if (items.length === 1 && !commas) return items[0];
    return { kind: 'tuple', items, span: s };
  }

  /** An operator word on the current line: `if`, `else`, `and`, `or` continue a value only there. */
  protected atWord(word: string): boolean {
    return this.atIdent(word) && !this.tok.newlineBefore;
  }

  /** Whether a token ends a value, so a `not` before it is a name rather than the operator. */
  private endsValue(kind: TokenKind): boolean {
    return kind === ',' || kind === ')' || kind === ']' || kind === '}' || kind === ':' || kind === '=' || kind === 'eof' || kind === '->';
  }

  /** Reports input nested beyond MAX_DEPTH once and skips it, so the stack stays bounded. */
  protected tooDeep(): ast.MissingExpr {
    const t = this.tok;
    this.error(`Expression nested more than ${MAX_DEPTH} levels deep.`, t.span);
    // Skip the nested region, balanced, so each enclosing bracket still finds its partner: one error in all.
    let open = 0;
    while (!this.at('eof') && !this.at('}') && !this.atItemStart()) {
      const k = this.tok.kind;
      if (open === 0 && (k === ')' || k === ']' || k === ',' || this.tok.newlineBefore)) break;
      if (k === '(' || k === '[') open++;
      else if (k === ')' || k === ']') open--;
      this.advance();
    }
    return { kind: 'missing', span: t.span };
  }
}

function unquote(text: string): string {
  const body = text.length >= 2 && text[text.length - 1] === text[0] ? text.slice(1, -1) : text.slice(1);
  return body.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}
