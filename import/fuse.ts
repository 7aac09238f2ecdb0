// Patterns several ONNX nodes form for one Stride layer, found before the walk: shape arithmetic feeding a Reshape or
// Slice (read as numbers, written as nothing), x·sigmoid(x) (swish), the erf form of gelu, and channel shuffle.

import type { Node } from './graph';
import { consumers, infoOf, type Walk } from './state';

/** Operators that compute shapes and indices (small integer vectors), never image data. */
const SHAPE_OPS = new Set(['Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Cast', 'Concat', 'Div', 'Mul', 'Add', 'Sub', 'Slice', 'Constant', 'Identity']);
/** Data operators whose inputs after the first are shapes, pads, ranges or scales. */
const TAKES_SHAPES = new Set(['Reshape', 'Slice', 'Pad', 'Resize', 'Upsample', 'Split', 'Unsqueeze', 'Squeeze', 'ReduceMean', 'ReduceMax', 'Clip', 'Expand']);

/**
 * Marks the nodes that only compute shapes: each output is read only by other shape nodes or as a shape input of a
 * data operator. Walked backwards, so a node's readers are decided before it.
 */
function markShapeArithmetic(w: Walk): void {
  const shapeOnly = new Set<Node>();
  for (const n of [...w.g.nodes].reverse()) {
    if (!SHAPE_OPS.has(n.op) || n.outputs.length === 0) continue;
    const ok = n.outputs.every((o) => {
      const rs = consumers(w, o);
      return rs.length > 0 && rs.every((r) => shapeOnly.has(r) || (TAKES_SHAPES.has(r.op) && r.inputs.indexOf(o) > 0));
    });
    if (ok) shapeOnly.add(n);
  }
  for (const n of shapeOnly) w.absorbed.add(n);
}

const BIG = 2 ** 52;

/** An elementwise operation on integer vectors, the shorter (a scalar) broadcast. */
function arith(op: string, a: number[], b: number[]): number[] {
  const f = {
    Div: (x: number, y: number) => Math.trunc(x / y),
    Mul: (x: number, y: number) => x * y,
    Add: (x: number, y: number) => x + y,
    Sub: (x: number, y: number) => x - y,
  }[op] as (x: number, y: number) => number;
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => f(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i]));
}

/** The shape of a tensor as far as known: declared by the file, else batch 1 and the channels the walk tracked. */
function shapeOf(w: Walk, t: string): number[] | null {
  const declared = w.g.shapes.get(t);
  if (declared && declared.length > 0) return declared.map((d, i) => d ?? (i === 0 ? 1 : NaN));
  const info = infoOf(w, t);
  if (!info) return t === w.g.input.name ? w.g.input.shape.map((d, i) => d ?? (i === 0 ? 1 : NaN)) : null;
  const dims = Array<number>(info.rank).fill(NaN);
  dims[0] = 1;
  dims[info.cf ? 1 : info.rank - 1] = info.channels ?? NaN;
  return dims;
}

/** The integer values of a small tensor computed from constants and shapes; null when they cannot be known now. */
export function intsOf(w: Walk, t: string, depth = 0): number[] | null {
  if (depth > 64) return null;
  const known = w.g.values.get(t);
  if (known && known.length > 0) return [...known];
  const n = w.producer.get(t);
  if (!n) return null;
  const arg = (i: number) => (n.inputs[i] ? intsOf(w, n.inputs[i], depth + 1) : null);
  switch (n.op) {
    case 'Shape': {
      // Opset 15 reads part of the shape: axes start … end − 1.
      const shape = shapeOf(w, n.inputs[0]);
      const [start, end] = [n.attrs.get('start'), n.attrs.get('end')].map((v) => (typeof v === 'number' ? v : undefined));
      return shape && shape.slice(start, end);
    }
    case 'Identity':
    case 'Cast':
    case 'Unsqueeze':
    case 'Squeeze':
      return arg(0);
    case 'Gather': {
      const [data, index] = [arg(0), arg(1)];
      return data && index ? index.map((i) => data[i < 0 ? data.length + i : i]) : null;
    }
    case 'Concat': {
      const parts = n.inputs.map((_, i) => arg(i));
      return parts.every((p) => p !== null) ? (parts as number[][]).flat() : null;
    }
    case 'Div':
    case 'Mul':
    case 'Add':
    case 'Sub': {
      const [a, b] = [arg(0), arg(1)];
      return a && b ? arith(n.op, a, b) : null;
    }
    default:
      return null;
  }
}

/** The other input of a two-input node, given one of them. */
const other = (n: Node, t: string): string => (n.inputs[0] === t ? n.inputs[1] : n.inputs[0]);
const only = (w: Walk, t: string): Node | undefined => {
  const rs = consumers(w, t);
  return rs.length === 1 ? rs[0] : undefined;
};

/** A scalar constant that is not a weight, within float32 rounding of `value`. */
function scalar(w: Walk, t: string, value: number): boolean {
  const v = w.g.values.get(t);
  return !w.g.initializers.has(t) && v !== undefined && v.length === 1 && Math.abs(v[0] - value) < 1e-6 * Math.max(1, Math.abs(value));
}

/** x · sigmoid(x): the Sigmoid is absorbed and the Mul writes `swish()`. */
function swish(w: Walk, n: Node): void {
  const x = n.inputs[0];
  const mul = only(w, n.outputs[0]);
  if (!mul || mul.op !== 'Mul' || other(mul, n.outputs[0]) !== x) return;
  w.absorbed.add(n);
  w.fused.set(mul, { out: mul.outputs[0], inputs: [x], call: () => 'swish()', node: mul.name });
}

/**
 * gelu(x) = x · ½(1 + erf(x/√2)), in any order of its products: PyTorch writes Div(x, √2) … Mul(x, ·) · 0.5, Stride's
 * export Mul(x, 1/√2) … Mul(·, 0.5) · x. The chain from Erf must take +1, ·½ and ·x, each once.
 */
function gelu(w: Walk, erf: Node): void {
  const pre = w.producer.get(erf.inputs[0]);
  if (!pre || !((pre.op === 'Div' && scalar(w, pre.inputs[1], Math.SQRT2)) || (pre.op === 'Mul' && pre.inputs.some((t) => scalar(w, t, Math.SQRT1_2))))) return;
  const x = pre.op === 'Div' ? pre.inputs[0] : (pre.inputs.find((t) => !scalar(w, t, Math.SQRT1_2)) ?? '');
  const members: Node[] = [pre, erf];
  const seen = new Set<string>();
  let cur = erf;
  while (seen.size < 3) {
    const next = only(w, cur.outputs[0]);
    if (!next) return;
    const o = other(next, cur.outputs[0]);
    const step = next.op === 'Add' && scalar(w, o, 1) ? 'one' : next.op === 'Mul' && scalar(w, o, 0.5) ? 'half' : next.op === 'Mul' && o === x ? 'x' : '';
    if (step === '' || seen.has(step)) return;
    seen.add(step);
    members.push(next);
    cur = next;
  }
  const last = members.pop() as Node;
  for (const m of members) w.absorbed.add(m);
  w.fused.set(last, { out: last.outputs[0], inputs: [x], call: () => 'gelu()', node: last.name });
}

/**
 * Channel shuffle: Reshape to (N, g, C/g, …) → Transpose swapping those two → Reshape back (channels first), or
 * Reshape to (N, …, g, C/g) → Transpose swapping the last two → Reshape back (channels last).
 */
function shuffle(w: Walk, r1: Node): void {
  const t = only(w, r1.outputs[0]);
  const r2 = t && only(w, t.outputs[0]);
  const target = intsOf(w, r1.inputs[1]);
  if (!t || t.op !== 'Transpose' || !r2 || r2.op !== 'Reshape' || !target || target.length < 4) return;
  const perm = String(t.attrs.get('perm'));
  const r = target.length;
  const cf = perm === [0, 2, 1, ...Array.from({ length: r - 3 }, (_, i) => i + 3)].join(',');
  const cl = perm === [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2].join(',');
  if (!cf && !cl) return;
  const groups = cf ? target[1] : target[r - 2];
  if (!Number.isInteger(groups) || groups < 1) return;
  w.absorbed.add(r1).add(t);
  w.fused.set(r2, { out: r2.outputs[0], inputs: [r1.inputs[0]], call: () => `channel_shuffle(${groups})`, node: r2.name });
}

/** Finds every pattern before the walk; the walk skips absorbed nodes and writes a fused node's statement. */
export function findPatterns(w: Walk): void {
  markShapeArithmetic(w);
  for (const n of w.g.nodes) {
    if (w.absorbed.has(n)) continue;
    if (n.op === 'Sigmoid') swish(w, n);
    else if (n.op === 'Erf') gelu(w, n);
  }
}

/** Channel shuffles need the channel counts the walk tracks (their shapes may be computed): found as the walk reaches them. */
export function atReshape(w: Walk, n: Node): void {
  if (!w.absorbed.has(n) && !w.fused.has(n)) shuffle(w, n);
}

export { BIG };
