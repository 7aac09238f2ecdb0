// The module tree of a PyTorch export: block instances of the lowered graph as nested scopes, `× N` repetitions
// as runs, and the attribute name of every part, from which each layer's dotted module path follows.

import type { ModelAnalysis } from '../analyze';
import type { CallSite } from '../model/graph';
import { pyName } from './pytorch-names';

/** One line of a scope's forward pass: a layer, a block instance, or a run of instances of one `× N` call. */
export type Part =
  | { readonly kind: 'layer'; readonly node: number; name: string }
  | { readonly kind: 'block'; readonly scope: BlockScope; name: string }
  | { readonly kind: 'run'; readonly scopes: readonly BlockScope[]; readonly chain: boolean; name: string; results?: string[] };

/** The model, or one block instance: what runs inside it, what it reads from outside and what it returns. */
export interface BlockScope {
  /** The call that made this instance; undefined for the model itself. */
  readonly site?: CallSite;
  parts: Part[];
  /** Every node inside, nested instances included. */
  readonly nodes: Set<number>;
  /** Nodes outside that nodes inside read, in order of first use. */
  inputs: number[];
  /** The one inner node read outside (or a model output); -1 when there is not exactly one. */
  output: number;
  /** Python names of the inputs, the forward pass's parameters. */
  inputNames: string[];
}

export interface ModuleTree {
  readonly root: BlockScope;
  /** Dotted module path of every layer node (`basic_1.0.conv2d_1`). */
  readonly paths: ReadonlyMap<number, string>;
}

const cache = new WeakMap<ModelAnalysis, ModuleTree>();

/** The module tree of a model, built once per analysis. */
export function moduleTree(model: ModelAnalysis): ModuleTree {
  let tree = cache.get(model);
  if (!tree) {
    const root = nest(model);
    settle(root, model);
    const paths = new Map<number, string>();
    nameParts(root, '', paths, model);
    tree = { root, paths };
    cache.set(model, tree);
  }
  return tree;
}

const newScope = (site?: CallSite): BlockScope => ({ site, parts: [], nodes: new Set(), inputs: [], output: -1, inputNames: [] });

/** Nodes grouped by their call sites, in graph order: the nodes of one instance are consecutive in the graph. */
function nest(model: ModelAnalysis): BlockScope {
  const root = newScope();
  const open = new Map<string, BlockScope>();
  for (const { node } of model.layers) {
    let scope = root;
    for (const site of node.callSites) {
      let inner = open.get(site.instance);
      if (!inner) {
        inner = newScope(site);
        open.set(site.instance, inner);
        scope.parts.push({ kind: 'block', scope: inner, name: '' });
      }
      scope.nodes.add(node.id);
      scope = inner;
    }
    scope.nodes.add(node.id);
    scope.parts.push({ kind: 'layer', node: node.id, name: '' });
  }
  return root;
}

/**
 * Works out each instance's inputs and output, bottom-up. An instance without exactly one output (its result is
 * unused) stays as its layers in its parent, named there; consecutive instances of one `× N` call become a run.
 */
function settle(scope: BlockScope, model: ModelAnalysis): void {
  const parts: Part[] = [];
  for (const part of scope.parts) {
    if (part.kind !== 'block') {
      parts.push(part);
      continue;
    }
    settle(part.scope, model);
    if (part.scope.output < 0) parts.push(...part.scope.parts);
    else parts.push(part);
  }
  scope.parts = groupRuns(parts, model);
  const outside = (id: number) => !scope.nodes.has(id);
  for (const id of [...scope.nodes].sort((a, b) => a - b)) {
    for (const i of model.layers[id].node.inputs) if (outside(i) && !scope.inputs.includes(i)) scope.inputs.push(i);
  }
  const read = new Set<number>(model.graph.outputs.filter((o) => scope.nodes.has(o)));
  for (const { node } of model.layers) if (outside(node.id)) for (const i of node.inputs) if (scope.nodes.has(i)) read.add(i);
  scope.output = read.size === 1 ? [...read][0] : -1;
}

/** Runs of instances from one call (`basic(64) × 2`): same block, same call text and place, consecutive. */
function groupRuns(parts: Part[], model: ModelAnalysis): Part[] {
  const out: Part[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    const prev = last?.kind === 'block' ? [last.scope] : last?.kind === 'run' ? last.scopes : [];
    if (part.kind === 'block' && prev.length > 0 && sameCall(prev[0].site!, part.scope.site!)) {
      const scopes = [...prev, part.scope];
      out[out.length - 1] = { kind: 'run', scopes, chain: isChain(scopes, model), name: '' };
    } else out.push(part);
  }
  return out;
}

const sameCall = (a: CallSite, b: CallSite) => a.block === b.block && a.span.start === b.span.start && a.text === b.text;

/** Whether a run is a plain sequence: each instance reads only the one before it, which nothing else reads. */
function isChain(scopes: readonly BlockScope[], model: ModelAnalysis): boolean {
  if (scopes.some((s) => s.inputs.length !== 1)) return false;
  for (let k = 1; k < scopes.length; k++) {
    const out = scopes[k - 1].output;
    if (scopes[k].inputs[0] !== out || model.graph.outputs.includes(out)) return false;
    const readers = model.layers.filter((l) => l.node.inputs.includes(out) && !scopes[k - 1].nodes.has(l.node.id));
    if (readers.some((l) => !scopes[k].nodes.has(l.node.id))) return false;
  }
  return true;
}

/** Names unique in one scope: a base as is (else with `_2`, `_3`, …), or `kind_n` counted per kind in the scope. */
function namer() {
  const used = new Set<string>();
  const counters = new Map<string, number>();
  const unique = (base: string) => {
    let name = pyName(base);
    for (let n = 2; used.has(name); n++) name = `${pyName(base)}_${n}`;
    used.add(name);
    return name;
  };
  const counted = (kind: string) => {
    let name: string;
    do {
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      name = pyName(`${kind}_${n}`);
    } while (used.has(name));
    return unique(name);
  };
  return { unique, counted, reserve: (name: string) => void used.add(name) };
}

/**
 * Names every part of a scope, unique in it. The model keeps the graph's names (the names the editor shows:
 * `conv2d_40`, instance `basic_2`); inside a block a layer is named after its tensor (`conv1 = conv2d(…)` →
 * `conv1`), else `kind_n` counted in the block, and a nested instance `block_n`.
 */
function nameParts(scope: BlockScope, prefix: string, paths: Map<number, string>, model: ModelAnalysis): void {
  const names = namer();
  const targets = new Set<string>();
  for (const p of scope.parts) if (scope.site && p.kind === 'layer' && model.layers[p.node].node.target) targets.add(model.layers[p.node].node.target!);
  for (const t of targets) names.reserve(pyName(t));
  scope.inputNames = inputNames(scope, model, names.unique);
  for (const part of scope.parts) {
    if (part.kind === 'layer') {
      const node = model.layers[part.node].node;
      const input = scope.site ? -1 : model.graph.inputs.indexOf(node.id);
      const target = scope.site && node.target && targets.delete(node.target) ? pyName(node.target) : undefined;
      part.name = input >= 0 ? scope.inputNames[input] : (target ?? (scope.site ? names.counted(node.kind) : names.unique(node.name)));
      paths.set(node.id, prefix + part.name);
      continue;
    }
    const first = part.kind === 'block' ? part.scope : part.scopes[0];
    part.name = scope.site ? names.counted(first.site!.block) : names.unique(first.site!.instance);
    if (part.kind === 'block') nameParts(part.scope, `${prefix}${part.name}.`, paths, model);
    else part.scopes.forEach((s, i) => nameParts(s, `${prefix}${part.name}.${i}.`, paths, model));
    // A list called one by one names each result; the last one's is the list's.
    if (part.kind === 'run' && !part.chain)
      part.results = part.scopes.map((_, k) => (k === part.scopes.length - 1 ? part.name : names.unique(`${part.name}_${k}`)));
  }
}

/** Forward parameters: a block's tensor parameters by their names, its input `x`; the model's inputs by theirs. */
function inputNames(scope: BlockScope, model: ModelAnalysis, unique: (base: string) => string): string[] {
  if (!scope.site) return model.graph.inputs.map((i) => unique(model.layers[i].node.name));
  const params = Object.entries(scope.site.params ?? {});
  return scope.inputs.map((id, k) => {
    const param = params.find(([, b]) => 'tensor' in b && b.tensor === id);
    return unique(param ? param[0] : k === 0 ? 'x' : `x${k + 1}`);
  });
}
