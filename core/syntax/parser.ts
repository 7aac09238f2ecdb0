// Recovering recursive-descent parser: always returns a tree and a list of diagnostics.

import type { Diagnostic } from '../diagnostics';
import type * as ast from './ast';
import { atItemKeyword, atStatementEnd, isUnterminatedString, SYNC } from './cursor';
import { lex, Lexer, type Comment, type Token } from './lexer';
import { ExpressionParser, MAX_DEPTH } from './parse-expr';
import { cover, span, type Span } from './span';

export interface ParseResult {
  readonly file: ast.SourceFile;
  readonly diagnostics: Diagnostic[];
  readonly comments: Comment[];
  readonly tokens: Token[];
}

/** Parses `text`; `base` offsets every span (see `lex`). */
export function parse(text: string, base = 0): ParseResult {
  const lexer = new Lexer(text, base);
  const parser = new Parser(lexer, [], base, text.length);
  const file = parser.parseFile();
  lexer.drain();
  // The lexer's diagnostics first, then the parser's: each list is in text order.
  const diagnostics = lexer.diagnostics.length > 0 ? [...lexer.diagnostics, ...parser.diagnostics] : parser.diagnostics;
  // The parser never keeps the tokens (see TokenCursor); completion and formatting ask for them, once per text.
  let tokens: Token[] | undefined;
  return {
    file,
    diagnostics,
    comments: lexer.comments,
    get tokens() {
      return (tokens ??= lex(text, base).tokens);
    },
  };
}

/**
 * Parses the one body statement that `text[start, end)` begins with; `start` must begin a line, and spans are offsets in
 * the whole text. `next` is the token after the statement (`eof` at `end`). Used to re-parse an edited statement.
 */
export function parseStatementAt(text: string, start: number, end: number): { statement?: ast.BodyStatement; diagnostics: Diagnostic[]; next: Token } {
  const lexer = new Lexer(text.slice(start, end), start);
  const parser = new Parser(lexer, [], start, end - start);
  const { statement, next } = parser.statementOnly();
  lexer.drain();
  return { statement, diagnostics: [...lexer.diagnostics, ...parser.diagnostics], next };
}

class Parser extends ExpressionParser {
  /** How many `if` statements enclose the current one; bounded like expressions, on its own count. */
  private ifDepth = 0;
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
    return { kind: 'file', items, span: span(this.base, this.tok.end) };
  }

  /** item := blockDecl | modelDecl | trainDecl | fnDecl */
  private parseItem(): ast.Item | undefined {
    if (this.atIdent('block')) return this.parseBlock();
    if (this.atIdent('model')) return this.parseModel();
    if (this.atIdent('train')) return this.parseTrain();
    if (this.atIdent('fn')) return this.parseFn();
    this.error(`Expected 'model', 'block', 'fn' or 'train' at the top level, found ${this.describe(this.tok)}.`, this.tok.span);
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
    return { kind: 'block', name, params, body: body.statements, doc: kw.doc, span: span(kw.start, body.span.end), bodySpan: body.span };
  }

  /** param := IDENT ('=' expr)? */
  private parseParam(): ast.Param {
    const name = this.expectIdent('a parameter name');
    const def = this.eat('=') ? this.parseExpr() : undefined;
    return { name, default: def, span: def ? cover(name.span, def.span) : name.span };
  }

  /** fnDecl := 'fn' IDENT '(' params ')' '{' (IDENT '=' expr)* expr '}' */
  private parseFn(): ast.FnDecl {
    const kw = this.advance();
    const name = this.expectIdent('a function name');
    const open = this.eat('(');
    if (!open) this.errorHere("'(' and the function's parameters");
    const params = open ? this.list(open, ')', () => this.parseParam(), SYNC.params).items : [];
    const brace = this.eat('{');
    if (!brace) {
      this.errorHere("'{'");
      const at = span(this.prevEnd, this.prevEnd);
      return { kind: 'fn', name, params, locals: [], result: { kind: 'missing', span: at }, doc: kw.doc, span: span(kw.start, at.end), bodySpan: at };
    }
    const locals: ast.FnLocal[] = [];
    let result: ast.Expr | undefined;
    const before = this.diagnostics.length;
    const { end } = this.list(brace, '}', () => this.parseFnLine(locals, (e) => (result = e)), SYNC.body);
    // A body with a syntax error (or left open) already explains itself; its missing result is not a second problem.
    const closed = this.previous?.kind === '}';
    if (!result && closed && this.diagnostics.length === before)
      this.error('A function body ends with the value it returns, such as `max(1, c // 4)`.', span(end - 1, end));
    result ??= { kind: 'missing', span: span(end, end) };
    return { kind: 'fn', name, params, locals, result, doc: kw.doc, span: span(kw.start, end), bodySpan: span(brace.start, end) };
  }

  /** One line of a function body: a local `name = expr`, or the result, which must come last. */
  private parseFnLine(locals: ast.FnLocal[], setResult: (e: ast.Expr) => void): undefined {
    const named = this.at('ident') && this.peek().kind === '=';
    const name = named ? this.expectIdent('a name') : undefined;
    if (name) this.advance();
    const before = this.diagnostics.length;
    const first = this.tok;
    const value = this.parseExpr();
    if (this.at('}') || this.at('eof') || this.atItemStart()) {
      // A last line that names a value leaves the result missing: the function reports that once.
      if (name) locals.push({ name, value, span: cover(name.span, value.span) });
      else setResult(value);
      return undefined;
    }
    if (name) locals.push({ name, value, span: cover(name.span, value.span) });
    // A line starting with a bad character or an unterminated string is already explained by the lexer.
    else if (this.diagnostics.length === before && first.kind !== 'error' && !isUnterminatedString(first))
      this.error('Only the last line of a function body is its value; the lines before it name values (`n = …`).', value.span);
    this.eat(';');
    this.checkStatementEnd();
    return undefined;
  }

  /** modelDecl := 'model' IDENT body */
  private parseModel(): ast.ModelDecl {
    const kw = this.advance();
    const name = this.expectIdent('a model name');
    const body = this.parseBody();
    return { kind: 'model', name, body: body.statements, doc: kw.doc, span: span(kw.start, body.span.end), bodySpan: body.span };
  }

  /** trainDecl := 'train' IDENT '{' (IDENT ':' expr (',' | ';')?)* '}' */
  private parseTrain(): ast.TrainDecl {
    const kw = this.advance();
    const model = this.expectIdent('the name of the model to train');
    const open = this.eat('{');
    if (!open) {
      this.errorHere("'{'");
      return { kind: 'train', model, entries: [], doc: kw.doc, span: span(kw.start, this.prevEnd), bodySpan: span(this.prevEnd, this.prevEnd) };
    }
    const { items: entries, end } = this.list(open, '}', () => this.parseEntry(), SYNC.body);
    return { kind: 'train', model, entries, doc: kw.doc, span: span(kw.start, end), bodySpan: span(open.start, end) };
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
  private parseBody(): { statements: readonly ast.BodyStatement[]; span: Span } {
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
    return { statements, span: span(open.start, end) };
  }

  /** One statement and the token after it (parseStatementAt). */
  statementOnly(): { statement?: ast.BodyStatement; next: Token } {
    const statement = this.parseStatement();
    return { statement, next: this.tok };
  }

  /** statement := ifStatement | (IDENT '=' | targets)? chain ';'? */
  private parseStatement(): ast.BodyStatement | undefined {
    const first = this.tok;
    if (this.atIf()) return this.parseIf();
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
    // A bare call is its own statement: share its span (a large model has one per line, all kept until it is edited).
    const whole = last.start === first.start ? last : span(first.start, last.end);
    return { kind: 'statement', target, targets, chain, doc: first.doc, span: whole };
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

  /** A line-initial `if` that is not a name being assigned or called. */
  private atIf(): boolean {
    return this.atIdent('if') && this.peek().kind !== '=' && this.peek().kind !== '->';
  }

  /** ifStatement := 'if' expr body ('else' 'if' expr body)* ('else' body)? */
  private parseIf(): ast.IfStatement | undefined {
    if (this.ifDepth >= MAX_DEPTH) {
      this.error(`Statements nested more than ${MAX_DEPTH} levels deep.`, this.tok.span);
      this.skipNested();
      return undefined;
    }
    this.ifDepth++;
    const branches: ast.IfBranch[] = [];
    let keyword = this.advance().span;
    let cond: ast.Expr | undefined = this.parseCondition();
    for (;;) {
      const body = this.parseBody();
      branches.push({ keyword, cond, body: body.statements, bodySpan: body.span, span: span(keyword.start, body.span.end) });
      if (!this.atIdent('else') || cond === undefined) break;
      keyword = this.advance().span;
      cond = undefined;
      if (this.atWord('if')) {
        // `else if` is one keyword span, so editors can find both words.
        keyword = span(keyword.start, this.advance().span.end);
        cond = this.parseCondition();
      }
    }
    this.ifDepth--;
    this.checkStatementEnd();
    return { kind: 'if', branches, span: span(branches[0].span.start, branches[branches.length - 1].span.end) };
  }

  /** Skips an `if` statement nested too deep, with every brace it opens, so the enclosing bodies still close. */
  private skipNested(): void {
    let open = 0;
    while (!this.at('eof') && !this.atItemStart()) {
      if (this.at('{')) open++;
      else if (this.at('}')) {
        if (open === 0) return;
        open--;
        // The branch body closed: an `else` continues the statement, anything else ends it.
        if (open === 0 && !(this.peek().kind === 'ident' && this.peek().text === 'else')) {
          this.advance();
          return;
        }
      }
      this.advance();
    }
  }

  /** The condition after `if`: any value, up to the `{`. */
  private parseCondition(): ast.Expr {
    if (this.at('{')) {
      this.error("Expected a condition after 'if', such as `stride == 1`.", this.tok.span);
      return { kind: 'missing', span: span(this.prevEnd, this.prevEnd) };
    }
    return this.parseExpr();
  }

  /** After a statement the next token must start a new line (or be `}`); otherwise report and resync. */
  private checkStatementEnd(): void {
    if (this.at('}') || this.at('eof') || this.tok.newlineBefore || this.pos === 0) return;
    if (this.previous?.kind === ';') return;
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
}
