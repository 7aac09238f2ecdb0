// Per-analysis lookup tables the features share: name occurrences (for navigation, hover, tokens) and layer facts by call site.

import type { Analysis, ModelAnalysis } from '../core/analyze';
import type { LayerInfo } from '../core/model/infer';
import { isBuiltin } from '../core/model/functions';
import { libraryFunctions } from '../core/model/library';
import * as ast from '../core/syntax/ast';
import { flatStatements, ifStatements } from '../core/syntax/walk';
import type { Span } from '../core/syntax/span';

export type OccurrenceKind = 'model' | 'block' | 'fn' | 'tensor' | 'param' | 'layer' | 'arg-name' | 'train-key' | 'value' | 'keyword';

export interface Occurrence {
  readonly span: Span;
  readonly kind: OccurrenceKind;
  readonly name: string;
  /** Identity of the symbol for navigation (`tensor:<item start>:<name>`); absent for layers, values, keywords. */
  readonly key?: string;
  /** True where the symbol is defined. */
  readonly def: boolean;
  readonly item: ast.Item;
  /** For layer callees and argument names: the call they belong to. */
  readonly call?: ast.CallExpr;
}

export interface LayerFact {
  readonly model: ModelAnalysis;
  readonly info: LayerInfo;
}

export interface Facts {
  /** Sorted by start offset; identifiers never overlap. */
  readonly occurrences: readonly Occurrence[];
  /** Layer nodes by the start offset of the call that produced them (several for blocks and repetition). */
  readonly layersByCall: ReadonlyMap<number, readonly LayerFact[]>;
  /** Nodes by block call site start offset, grouped per block instance. */
  readonly instancesByCall: ReadonlyMap<number, ReadonlyMap<string, readonly LayerFact[]>>;
}

const cache = new WeakMap<Analysis, Facts>();

export function factsOf(analysis: Analysis): Facts {
  let facts = cache.get(analysis);
  if (!facts) {
    facts = buildFacts(analysis);
    cache.set(analysis, facts);
  }
  return facts;
}

/** The occurrence whose span contains `offset` (end inclusive, so a cursor just after a name counts). */
export function occurrenceAt(facts: Facts, offset: number): Occurrence | undefined {
  const occ = facts.occurrences;
  let lo = 0;
  let hi = occ.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (occ[mid].span.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found >= 0 && offset <= occ[found].span.end) {
    // Prefer a name starting exactly here over one ending here (`a,b` with the cursor between).
    const next = occ[found + 1];
    return next && next.span.start === offset ? next : occ[found];
  }
  return undefined;
}

export function occurrencesOf(facts: Facts, key: string): Occurrence[] {
  return facts.occurrences.filter((o) => o.key === key);
}

function buildFacts(analysis: Analysis): Facts {
  const occurrences: Occurrence[] = [];
  const models = new Set(analysis.models.map((m) => m.graph.name));
  for (const item of analysis.parse.file.items) new OccurrenceWalker(item, analysis.blocks, analysis.fns, models, occurrences).walk();
  occurrences.sort((a, b) => a.span.start - b.span.start);
  const layersByCall = new Map<number, LayerFact[]>();
  const instancesByCall = new Map<number, Map<string, LayerFact[]>>();
  for (const model of analysis.models) {
    for (const info of model.layers) {
      const fact = { model, info };
      push(layersByCall, info.node.span.start, fact);
      for (const site of info.node.callSites) {
        let byInstance = instancesByCall.get(site.span.start);
        if (!byInstance) instancesByCall.set(site.span.start, (byInstance = new Map()));
        // Appended in place: copying the list per fact made a block expanded to n layers cost n² to index.
        push(byInstance, `${model.graph.name}:${site.instance}`, fact);
      }
    }
  }
  return { occurrences, layersByCall, instancesByCall };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Walks one item, recording every identifier with what it names. */
class OccurrenceWalker {
  private readonly tensors = new Set<string>();
  private readonly params = new Set<string>();
  private readonly scope: number;

  constructor(
    private readonly item: ast.Item,
    private readonly blocks: ReadonlyMap<string, ast.BlockDecl>,
    private readonly fns: ReadonlyMap<string, ast.FnDecl>,
    private readonly models: ReadonlySet<string>,
    private readonly out: Occurrence[],
  ) {
    this.scope = item.span.start;
  }

  walk(): void {
    const item = this.item;
    this.add(item.span.start, item.kind, 'keyword', false);
    if (item.kind === 'train') return this.walkTrain(item);
    if (item.kind === 'fn') return this.walkFn(item);
    if (item.kind === 'block') {
      this.tensors.add('in');
      for (const p of item.params) this.params.add(p.name.name);
    }
    const statements = flatStatements(item.body);
    for (const stmt of statements) for (const t of ast.targetsOf(stmt)) if (!t.missing) this.tensors.add(t.name);
    for (const ifStmt of ifStatements(item.body)) this.walkIf(ifStmt);
    if (item.kind === 'model') this.ident(item.name, 'model', `model:${item.name.name}`, true);
    else {
      this.ident(item.name, 'block', `block:${item.name.name}`, true);
      for (const p of item.params) {
        this.ident(p.name, 'param', this.key('param', p.name.name), true);
        if (p.default) this.expr(p.default);
      }
    }
    const seen = new Set<string>();
    for (const stmt of statements) {
      for (const target of ast.targetsOf(stmt)) {
        if (target.missing) continue;
        // Single assignment: a second `name = …` is an error, not a new definition to navigate to.
        this.ident(target, 'tensor', this.key('tensor', target.name), !seen.has(target.name));
        seen.add(target.name);
      }
      for (const elem of stmt.chain) this.elem(elem);
    }
  }

  /** A value function: its name, parameters and local names (navigable like block parameters), and its values. */
  private walkFn(item: ast.FnDecl): void {
    this.ident(item.name, 'fn', `fn:${item.name.name}`, true);
    for (const p of item.params) this.params.add(p.name.name);
    for (const p of item.params) {
      this.ident(p.name, 'param', this.key('param', p.name.name), true);
      if (p.default) this.expr(p.default);
    }
    for (const local of item.locals) {
      this.expr(local.value);
      this.params.add(local.name.name);
      this.ident(local.name, 'param', this.key('param', local.name.name), true);
    }
    this.expr(item.result);
  }

  /** The keywords and conditions of an `if` statement (its bodies' statements are walked with the others). */
  private walkIf(stmt: ast.IfStatement): void {
    for (const branch of stmt.branches) {
      const elseIf = branch.cond && branch.keyword.end - branch.keyword.start > 2;
      this.add(branch.keyword.start, elseIf || !branch.cond ? 'else' : 'if', 'keyword', false);
      if (elseIf) this.add(branch.keyword.end - 2, 'if', 'keyword', false);
      if (branch.cond) this.expr(branch.cond);
    }
  }

  private walkTrain(item: ast.TrainDecl): void {
    if (!item.model.missing) {
      const known = this.models.has(item.model.name);
      this.ident(item.model, 'model', known ? `model:${item.model.name}` : undefined, false);
    }
    for (const entry of item.entries) {
      this.ident(entry.key, 'train-key', undefined, false);
      this.expr(entry.value);
    }
  }

  private key(kind: 'tensor' | 'param', name: string): string {
    return `${kind}:${this.scope}:${name}`;
  }

  private add(start: number, name: string, kind: OccurrenceKind, def: boolean, key?: string, call?: ast.CallExpr): void {
    this.out.push({ span: { start, end: start + name.length }, kind, name, key, def, item: this.item, call });
  }

  private ident(id: ast.Ident, kind: OccurrenceKind, key: string | undefined, def: boolean, call?: ast.CallExpr): void {
    if (id.missing || id.name === '') return;
    this.out.push({ span: id.span, kind, name: id.name, key, def, item: this.item, call });
  }

  private elem(elem: ast.ChainElem): void {
    if (elem.kind === 'ident') return this.reference(elem);
    this.call(elem.call, true);
    if (elem.repeat) this.expr(elem.repeat);
  }

  /** A name used as a value: a block parameter, a tensor, or a plain word such as `same`. */
  private reference(id: ast.Ident): void {
    if (this.params.has(id.name)) return this.ident(id, 'param', this.key('param', id.name), false);
    if (this.tensors.has(id.name)) return this.ident(id, 'tensor', id.name === 'in' ? undefined : this.key('tensor', id.name), false);
    this.ident(id, 'value', undefined, false);
  }

  private call(call: ast.CallExpr, isLayer: boolean): void {
    const name = call.callee.name;
    if (isLayer && this.blocks.has(name)) this.ident(call.callee, 'block', `block:${name}`, false, call);
    else if (!isLayer && (this.fns.has(name) || libraryFunctions().has(name) || isBuiltin(name)))
      this.ident(call.callee, 'fn', this.fns.has(name) ? `fn:${name}` : undefined, false, call);
    else this.ident(call.callee, isLayer ? 'layer' : 'value', undefined, false, call);
    for (const arg of call.args) {
      if (arg.name) this.ident(arg.name, 'arg-name', undefined, false, call);
      this.expr(arg.value);
    }
  }

  private expr(e: ast.Expr): void {
    switch (e.kind) {
      case 'ident':
        return this.reference(e);
      case 'tuple':
      case 'list':
        return e.items.forEach((i) => this.expr(i));
      case 'binary':
        this.expr(e.left);
        return this.expr(e.right);
      case 'unary':
        return this.expr(e.operand);
      case 'cond':
        this.expr(e.then);
        this.expr(e.cond);
        return this.expr(e.otherwise);
      case 'call':
        return this.call(e, false);
      case 'chain':
        return e.elems.forEach((el) => this.elem(el));
      default:
        return;
    }
  }
}
