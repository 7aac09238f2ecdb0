// Shape inference over a lowered graph: shapes, parameters, MACs, memory and receptive fields per layer.

import type { Diagnostic, Edit, Fix, Related } from '../diagnostics';
import { span } from '../syntax/span';
import type { GraphNode, ModelGraph } from './graph';
import type { Inferred, LayerDef, ParamCount, Problem, RfOp, SymbolicFix } from './registry';
import { formatShape, type Shape } from './values';

export interface ReceptiveField {
  /** Input pixels seen by one output position, per spatial axis. */
  readonly size: readonly number[];
  /** Distance in input pixels between neighbouring output positions. */
  readonly jump: readonly number[];
  /** Centre of the first output position, in input pixel coordinates (pixel centres at 0.5). */
  readonly start: readonly number[];
  /** True once every output sees the whole input (after flatten, dense or global pooling). */
  readonly global: boolean;
}

export interface LayerInfo {
  readonly node: GraphNode;
  readonly shape: Shape | null;
  readonly params: ParamCount;
  readonly macs: number;
  /** float32 bytes of this layer's output for one sample; null when the shape is unknown. */
  readonly activationBytes: number | null;
  readonly rf: ReceptiveField | null;
  /** How a merge stretched its inputs, for hover. */
  readonly broadcast?: string;
  /** Frozen by the train section's `freeze:` (its parameters count as non-trainable; core/model/train-tune.ts). */
  readonly frozen?: true;
}

export interface ModelTotals {
  readonly params: number;
  readonly trainable: number;
  readonly nonTrainable: number;
  readonly macs: number;
  /** Sum of every layer's output bytes for one sample. */
  readonly activationBytes: number;
}

const NO_PARAMS: ParamCount = { trainable: 0, nonTrainable: 0, formula: 'no parameters' };

export function inferModel(graph: ModelGraph, text: string, diagnostics: Diagnostic[]): { layers: LayerInfo[]; totals: ModelTotals } {
  const layers: LayerInfo[] = [];
  for (const node of graph.nodes) layers.push(inferNode(node, layers, text, diagnostics));
  // Summed in one loop, not a reduce that builds an object per layer (100,000 layers are a real case).
  let params = 0;
  let trainable = 0;
  let nonTrainable = 0;
  let macs = 0;
  let activationBytes = 0;
  for (const l of layers) {
    params += l.params.trainable + l.params.nonTrainable;
    trainable += l.params.trainable;
    nonTrainable += l.params.nonTrainable;
    macs += l.macs;
    activationBytes += l.activationBytes ?? 0;
  }
  return { layers, totals: { params, trainable, nonTrainable, macs, activationBytes } };
}

function unknown(node: GraphNode): LayerInfo {
  return { node, shape: null, params: NO_PARAMS, macs: 0, activationBytes: null, rf: null };
}

/** One layer's facts from those of the layers before it (`done`, by node id). */
export function inferNode(node: GraphNode, done: readonly LayerInfo[], text: string, diagnostics: Diagnostic[]): LayerInfo {
  const def = node.def;
  if (!def || !node.valid) return unknown(node);
  const inputs: LayerInfo[] = [];
  const shapes: Shape[] = [];
  for (const id of node.inputs) {
    const input = done[id];
    // Unknown inputs were already reported at their root cause: stay silent here.
    if (input.shape === null) return unknown(node);
    inputs.push(input);
    shapes.push(input.shape);
  }
  const rankProblem = checkRank(def, shapes, node);
  if (rankProblem) {
    diagnostics.push(toDiagnostic(rankProblem, node, text, rankProblem.code === 'rank-mismatch' && def.kind === 'dense' ? 'warning' : 'error'));
    if (def.kind !== 'dense') return unknown(node);
  }
  const result = def.infer({ inputs: shapes, args: node.args });
  if ('problem' in result) {
    diagnostics.push(toDiagnostic(result.problem, node, text, 'error'));
    return unknown(node);
  }
  const info: LayerInfo = {
    node,
    shape: shared.shape(result.shape),
    params: result.params ? shared.params(result.params) : NO_PARAMS,
    macs: result.macs ?? 0,
    activationBytes: bytesOf(result.shape),
    rf: receptiveField(def, result, inputs),
  };
  return result.broadcast ? { ...info, broadcast: result.broadcast } : info;
}

/**
 * Equal shapes and parameter counts, shared: a large model repeats the same few layers thousands of times, and each
 * copy (an array, a record and its formula string) would otherwise live as long as the analysis. Bounded, so a
 * server that analyses many different files does not keep every shape it ever saw.
 */
class Shared {
  private readonly shapes = new Map<string, Shape>();
  private readonly counts = new Map<string, ParamCount>();

  shape(shape: Shape): Shape {
    return this.intern(this.shapes, shape.join(), shape, (known) => known.length === shape.length);
  }

  params(params: ParamCount): ParamCount {
    const same = (known: ParamCount) => known.trainable === params.trainable && known.nonTrainable === params.nonTrainable;
    return this.intern(this.counts, params.formula, params, same);
  }

  private intern<T>(table: Map<string, T>, key: string, value: T, same: (known: T) => boolean): T {
    const known = table.get(key);
    if (known !== undefined && same(known)) return known;
    if (table.size >= 4096) table.clear();
    table.set(key, value);
    return value;
  }
}

const shared = new Shared();

function bytesOf(shape: Shape): number | null {
  let n = 4;
  for (const d of shape) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}

function checkRank(def: LayerDef, shapes: readonly Shape[], node: GraphNode): Problem | undefined {
  const want = def.inputRank;
  if (want === undefined) return undefined;
  for (const shape of shapes) {
    const ok = typeof want === 'number' ? shape.length === want : shape.length >= want.min && (want.max === undefined || shape.length <= want.max);
    if (ok) {
      // Dense on an image-like tensor is legal (it applies per position) but almost always a missing flatten.
      if (def.kind === 'dense' && shape.length === 3 && node.callSites.length === 0) return denseOnImage(shape);
      continue;
    }
    const expected = typeof want === 'number' ? `rank ${want + 1}` : `rank ≥ ${want.min + 1}`;
    const fixes: SymbolicFix[] = [];
    if (shape.length === 1 && typeof want === 'number' && want === 3) {
      fixes.push({ kind: 'insert-before', title: 'Insert reshape(…) to make the tensor an image', text: `reshape(${guessImage(shape[0])})` });
    }
    return {
      code: 'rank-mismatch',
      message: `${def.kind}() expects a ${expected} input (batch included, e.g. ${exampleShape(want)}), got ${formatShape(shape)}.`,
      fixes,
    };
  }
  return undefined;
}

function denseOnImage(shape: Shape): Problem {
  return {
    code: 'rank-mismatch',
    message: `dense() on ${formatShape(shape)} applies to each of the ${shape[0]}×${shape[1]} positions separately; a classifier head usually needs flatten() or globalavgpool2d() first.`,
    fixes: [
      { kind: 'insert-before', title: 'Insert flatten() before dense', text: 'flatten()' },
      { kind: 'insert-before', title: 'Insert globalavgpool2d() before dense', text: 'globalavgpool2d()' },
    ],
  };
}

function guessImage(size: number | null): string {
  if (size === null) return '-1, 1, 1';
  const side = Math.round(Math.sqrt(size));
  return side * side === size ? `${side}, ${side}, 1` : `${size}, 1, 1`;
}

function exampleShape(want: number | { min: number }): string {
  const rank = typeof want === 'number' ? want : want.min;
  return rank === 3 ? '(None, 32, 32, 3)' : rank === 1 ? '(None, 128)' : rank === 2 ? '(None, 100, 64)' : `rank ${rank + 1}`;
}

// ---- diagnostics ------------------------------------------------------------------------------

function toDiagnostic(problem: Problem, node: GraphNode, text: string, severity: 'error' | 'warning'): Diagnostic {
  const at = (problem.arg && node.argSpans[problem.arg]) || node.span;
  const related: Related[] = node.callSites.map((c) => ({ span: c.span, message: `in ${c.text}` }));
  return {
    code: problem.code,
    severity,
    message: problem.message,
    span: at,
    related: related.length > 0 ? related : undefined,
    fixes: node.library ? [] : (problem.fixes ?? []).map((f) => toFix(f, node, text)).filter((f): f is Fix => f !== undefined),
  };
}

function toFix(fix: SymbolicFix, node: GraphNode, text: string): Fix | undefined {
  switch (fix.kind) {
    case 'set-arg': {
      const given = node.argSpans[fix.arg];
      if (given) return { title: fix.title, edits: [{ span: given, newText: fix.value }], preferred: true };
      return closingInsert(node, text, `${fix.arg}: ${fix.value}`, fix.title);
    }
    case 'insert-before':
      return { title: fix.title, edits: [{ span: span(node.insertAt, node.insertAt), newText: `${fix.text} -> ` }], preferred: true };
    case 'project-input': {
      const where = node.argSpans.inputs;
      if (!where) return undefined;
      const edit: Edit = { span: span(where.end, where.end), newText: ` -> conv2d(${fix.filters}, 1${fix.stride > 1 ? `, stride: ${fix.stride}` : ''})` };
      return fix.input === 1 && text.slice(where.start, where.end).includes(',') ? undefined : { title: fix.title, edits: [edit], preferred: true };
    }
  }
}

/** Adds `arg: value` as a new argument just before the call's closing parenthesis. */
function closingInsert(node: GraphNode, text: string, argText: string, title: string): Fix | undefined {
  const close = node.span.end - 1;
  if (text[close] !== ')') return undefined;
  let j = close - 1;
  while (j > node.span.start && /\s/.test(text[j])) j--;
  const empty = text[j] === '(';
  return { title, edits: [{ span: span(close, close), newText: empty ? argText : `, ${argText}` }], preferred: true };
}

// ---- receptive field ------------------------------------------------------------------------

function receptiveField(def: LayerDef, result: Inferred, inputs: readonly LayerInfo[]): ReceptiveField | null {
  if (def.arity === 0) {
    const spatial = Math.max(result.shape.length - 1, 0);
    if (spatial === 0) return null;
    return { size: Array(spatial).fill(1), jump: Array(spatial).fill(1), start: Array(spatial).fill(0.5), global: false };
  }
  if (inputs.length === 1) return inputs[0].rf === null ? null : applyRf(inputs[0].rf, result.rf);
  const rfs = inputs.map((i) => i.rf).filter((r): r is ReceptiveField => r !== null);
  if (rfs.length === 0) return null;
  const base = rfs.length === 1 ? rfs[0] : mergeRf(rfs);
  return applyRf(base, result.rf);
}

/** Over all paths: the widest field, the finest jump, the earliest start. */
function mergeRf(rfs: readonly ReceptiveField[]): ReceptiveField {
  const axes = Math.min(...rfs.map((r) => r.size.length));
  const pick = (f: (r: ReceptiveField) => readonly number[], agg: (...x: number[]) => number) =>
    Array.from({ length: axes }, (_, i) => agg(...rfs.map((r) => f(r)[i])));
  return { size: pick((r) => r.size, Math.max), jump: pick((r) => r.jump, Math.min), start: pick((r) => r.start, Math.min), global: rfs.some((r) => r.global) };
}

function applyRf(rf: ReceptiveField, op: RfOp | undefined): ReceptiveField {
  if (!op || rf.global) return rf;
  if (op.kind === 'global') return { ...rf, global: true };
  if (op.kind === 'upsample') return { ...rf, jump: rf.jump.map((j, i) => j / (op.factor[i] ?? 1)) };
  const size = rf.size.map((r, i) => r + op.dilation[i] * (op.kernel[i] - 1) * rf.jump[i]);
  const start = rf.start.map((s, i) => s + ((op.dilation[i] * (op.kernel[i] - 1)) / 2 - op.padStart[i]) * rf.jump[i]);
  // Stride 1 (most layers) keeps the jump: share it rather than copy it per layer.
  const jump = op.stride.length >= rf.jump.length && op.stride.every((s) => s === 1) ? rf.jump : rf.jump.map((j, i) => j * op.stride[i]);
  return { size, jump, start, global: false };
}
