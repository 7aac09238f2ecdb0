// Recovering recursive-descent parser: always returns a tree and a list of diagnostics.

import type { Diagnostic } from '../diagnostics';
import type * as ast from './ast';
import { atItemKeyword, atStatementEnd, SYNC, TokenCursor } from './cursor';
import { lex, type Comment, type Token } from './lexer';
import { cover, span, type Span } from './span';

export interface ParseResult {
  readonly file: ast.SourceFile;
  readonly diagnostics: Diagnostic[];
  readonly comments: Comment[];
  readonly tokens: Token[];
}

/** Expressions nest at most this deep; deeper input is reported, not recursed into. */
const MAX_DEPTH = 200;

/** Parses `text`; `base` offsets every span (see `lex`). */
export function parse(text: string, base = 0): ParseResult {
  const lexed = lex(text, base);
  const parser = new Parser(lexed.tokens, lexed.diagnostics, base);
  const file = parser.parseFile();
  return { file, diagnostics: parser.diagnostics, comments: lexed.comments, tokens: lexed.tokens };
}

class Parser extends TokenCursor {
  private depth = 0;

  // ---- items ---------------------------------------------------------------------------------

  /** file := item* */
  parseFile(): ast.SourceFile {
    const items: ast.Item[] = [];
    while (!this.at('eof')) {
      const before = this.pos;
      const item = this.parseItem();
      if (item) items.push(item);
      if (this.pos === before) this.advance();
    }
    return { kind: 'file', items, span: span(this.base, this.tok.span.end) };
  }

  /** item := blockDecl | modelDecl | trainDecl */
  private parseItem(): ast.Item | undefined {
    if (this.atIdent('block')) return this.parseBlock();
    if (this.atIdent('model')) return this.parseModel();
    if (this.atIdent('train')) return this.parseTrain();
    this.error(`Expected 'model', 'block' or 'train' at the top level, found ${this.describe(this.tok)}.`, this.tok.span);
    this.advance();
    this.skipUntil(atItemKeyword);
    return undefined;
  }

  /** blockDecl := 'block' IDENT '(' (param (',' param)* ','?)? ')' body */
  private parseBlock(): ast.BlockDecl {
    const kw = this.advance();
    const name = this.expectIdent('a block name');
    const open = this.eat('(');
    const params = open ? this.list(open, ')', () => this.parseParam(), SYNC.params).items : [];
    const body = this.parseBody();
    return { kind: 'block', name, params, body: body.statements, doc: kw.doc, span: span(kw.span.start, body.span.end), bodySpan: body.span };
  }

  /** param := IDENT ('=' expr)? */
  private parseParam(): ast.Param {
    const name = this.expectIdent('a parameter name');
    const def = this.eat('=') ? this.parseExpr() : undefined;
    return { name, default: def, span: def ? cover(name.span, def.span) : name.span };
  }

  /** modelDecl := 'model' IDENT body */
  private parseModel(): ast.ModelDecl {
    const kw = this.advance();
    const name = this.expectIdent('a model name');
    const body = this.parseBody();
    return { kind: 'model', name, body: body.statements, doc: kw.doc, span: span(kw.span.start, body.span.end), bodySpan: body.span };
  }

  /** trainDecl := 'train' IDENT '{' (IDENT ':' expr (',' | ';')?)* '}' */
  private parseTrain(): ast.TrainDecl {
    const kw = this.advance();
    const model = this.expectIdent('the name of the model to train');
    const open = this.eat('{');
    if (!open) {
      this.errorHere("'{'");
      return { kind: 'train', model, entries: [], doc: kw.doc, span: span(kw.span.start, this.prevEnd), bodySpan: span(this.prevEnd, this.prevEnd) };
    }
    const { items: entries, end } = this.list(open, '}', () => this.parseEntry(), SYNC.body);
    return { kind: 'train', model, entries, doc: kw.doc, span: span(kw.span.start, end), bodySpan: span(open.span.start, end) };
  }

  /** entry := IDENT ':' expr (',' | ';')? */
  private parseEntry(): ast.TrainEntry | undefined {
    if (!this.at('ident')) {
      this.errorAtToken('a training setting such as `epochs: 5`');
      this.skipUntil((t) => t.kind === '}' || (t.kind === 'ident' && t.newlineBefore));
      return undefined;
    }
    const key = this.expectIdent('a setting name');
    if (!this.eat(':')) {
      this.errorHere(`':' after '${key.name}'`);
      this.skipUntil(atStatementEnd);
      return undefined;
    }
    const value = this.parseExpr();
    this.eat(',') ?? this.eat(';');
    return { key, value, span: cover(key.span, value.span) };
  }

  // ---- statements ----------------------------------------------------------------------------

  /** body := '{' statement* '}' */
  private parseBody(): { statements: ast.Statement[]; span: Span } {
    const junk = !this.at('{') && !this.tok.newlineBefore && !this.at('eof');
    if (junk) {
      // Junk before the `{` on the header line (a bad name, an extra word): report it and keep the body.
      this.errorHere("'{'");
      this.skipUntil((t) => t.kind === '{' || t.newlineBefore);
    }
    const open = this.eat('{');
    if (!open) {
      if (!junk) this.errorHere("'{'");
      return { statements: [], span: span(this.prevEnd, this.prevEnd) };
    }
    const { items: statements, end } = this.list(open, '}', () => this.parseStatement(), SYNC.body);
    return { statements, span: span(open.span.start, end) };
  }

  /** statement := (IDENT '=' | targets)? chain ';'? */
  private parseStatement(): ast.Statement | undefined {
    const first = this.tok;
    if (!this.at('ident')) {
      this.errorAtToken('a layer, such as `conv2d(32, 3)`, or `name = …`');
      this.skipToStatementEnd();
      return undefined;
    }
    let target: ast.Ident | undefined;
    let targets: ast.Ident[] | undefined;
    if (this.peek().kind === ',') {
      targets = this.parseTargets();
      if (!targets) return undefined;
    } else if (this.peek().kind === '=') {
      target = this.expectIdent('a name');
      this.advance();
    }
    const chain = this.parseChain();
    this.eat(';');
    this.checkStatementEnd();
    const last = chain.length > 0 ? chain[chain.length - 1].span : (target?.span ?? first.span);
    return { kind: 'statement', target, targets, chain, doc: first.doc, span: span(first.span.start, last.end) };
  }

  /** targets := IDENT (',' IDENT)+ '=' */
  private parseTargets(): ast.Ident[] | undefined {
    const targets = [this.expectIdent('a name')];
    while (this.eat(',')) {
      // `a,` at a line end: the next line is a statement of its own, not a name of this one.
      if (this.tok.newlineBefore) break;
      targets.push(this.expectIdent('a name for each output, such as `a, b = split(2)`'));
    }
    if (!this.tok.newlineBefore && this.eat('=')) return targets;
    // `a, b` without `=` is no statement at all: report once and resume at the next line.
    this.errorHere("'=' after the names");
    this.skipUntil(atStatementEnd);
    return undefined;
  }

  /** After a statement the next token must start a new line (or be `}`); otherwise report and resync. */
  private checkStatementEnd(): void {
    if (this.at('}') || this.at('eof') || this.tok.newlineBefore || this.pos === 0) return;
    const prev = this.tokens[this.pos - 1];
    if (prev.kind === ';') return;
    this.errorHere("a line break, ';' or '->'");
    this.skipToStatementEnd();
  }

  private skipToStatementEnd(): void {
    this.advance();
    this.skipUntil(atStatementEnd);
  }

  /** chain := elem ('->' elem)* */
  private parseChain(): ast.ChainElem[] {
    const chain: ast.ChainElem[] = [this.parseElem()];
    while (this.eat('->')) chain.push(this.parseElem());
    return chain;
  }

  /** elem := IDENT '(' args ')' repeat? | IDENT */
  private parseElem(): ast.ChainElem {
    if (this.at('ident') && this.peek().kind === '(') {
      const call = this.parseCall();
      const repeat = this.parseRepeat();
      return { kind: 'layer', call, repeat, span: repeat ? cover(call.span, repeat.span) : call.span };
    }
    return this.expectIdent('a layer or a tensor name');
  }

  /** repeat := ('×' | '*' | 'x') primary */
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

  // ---- expressions ---------------------------------------------------------------------------

  /** call := IDENT '(' (arg (',' arg)* ','?)? ')' */
  private parseCall(): ast.CallExpr {
    const callee = this.expectIdent('a name');
    const open = this.advance(); // '('
    const { items: args, end } = this.list(open, ')', () => this.parseArg(), SYNC.args);
    return { kind: 'call', callee, args, argsSpan: span(open.span.start, end), span: span(callee.span.start, end) };
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

  /** expr := term (('+' | '-') term)* */
  parseExpr(): ast.Expr {
    if (this.depth >= MAX_DEPTH) return this.tooDeep();
    this.depth++;
    let left = this.parseTerm();
    while (this.at('+') || this.at('-')) {
      const op = this.advance().kind as '+' | '-';
      const right = this.parseTerm();
      left = { kind: 'binary', op, left, right, span: cover(left.span, right.span) };
    }
    this.depth--;
    return left;
  }

  /** term := unary (('*' | '/') unary)* */
  private parseTerm(): ast.Expr {
    let left = this.parseUnary();
    while ((this.at('*') || this.at('/')) && !this.tok.newlineBefore) {
      const op = this.advance().kind as '*' | '/';
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
        return { kind: 'number', value: Number(t.text.replace(/_/g, '')), text: t.text, span: t.span };
      case 'string':
        this.advance();
        return { kind: 'string', value: unquote(t.text), span: t.span };
      case 'ident':
        if (this.peek().kind === '(') return this.parseCall();
        this.advance();
        return { kind: 'ident', name: t.text, span: t.span };
      case '(':
      case '[':
        return this.parseGroup();
      default:
        this.errorHere('a value (a number, name, string, tuple or list)');
        return { kind: 'missing', span: t.kind === 'eof' || t.newlineBefore ? span(this.prevEnd, this.prevEnd) : t.span };
    }
  }

  /** group := '(' expr ')' | '(' (expr (',' expr)* ','?)? ')' | '[' (expr (',' expr)* ','?)? ']' */
  private parseGroup(): ast.Expr {
    const open = this.advance();
    const close = open.kind === '(' ? ')' : ']';
    const { items, end, commas } = this.list(open, close, () => this.parseExpr(), SYNC.group);
    const s = span(open.span.start, end);
    if (open.kind === '[') return { kind: 'list', items, span: s };
    if (items.length === 1 && !commas) return items[0];
    return { kind: 'tuple', items, span: s };
  }

  /** Reports input nested beyond MAX_DEPTH once and skips it, so the stack stays bounded. */
  private tooDeep(): ast.Expr {
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
