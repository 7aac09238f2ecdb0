// Sequence models as Stride's ONNX export writes them: token ids through an embedding (Cast + Gather), a learned
// position table added (Slice + Add), recurrent layers (recurrent.ts) and multi-head self-attention (projections split
// into heads, softmax, output projection), each written as one layer.

import type { Node } from './graph';
import { intsOf } from './fuse';
import { constantConcats, only, permOf, RECURRENT, recurrent, unmatchedRecurrent } from './recurrent';
import { aliasOf, consumers, emit, infoOf, num, refuse, type Walk } from './state';

/** Slice of the first rows of a 2-D weight table, added to a sequence: `positional_embedding(rows)`. */
function positional(w: Walk, s: Node): void {
  const table = w.g.initializers.has(s.inputs[0]) ? w.g.dims.get(s.inputs[0]) : undefined;
  const [starts, axes] = [s.inputs[1], s.inputs[3]].map((t) => (t ? intsOf(w, t) : null));
  const add = only(w, s.outputs[0]);
  if (!table || table.length !== 2 || !add || add.op !== 'Add' || starts?.join(',') !== '0' || (axes && axes.join(',') !== '0') || s.inputs[4]) return;
  const x = add.inputs[0] === s.outputs[0] ? add.inputs[1] : add.inputs[0];
  w.absorbed.add(s);
  w.fused.set(add, { out: add.outputs[0], inputs: [x], call: () => `positional_embedding(${table[0]})`, node: add.name, source: s });
}

/** One projection of the attention: MatMul(x, W) [+ B] → Reshape (0, 0, heads, size) → Transpose `perm`. */
interface Projection {
  readonly x: string;
  readonly kernel: string;
  readonly bias?: string;
  readonly heads: number;
  readonly size: number;
  readonly nodes: readonly Node[];
}

function projection(w: Walk, t: string, perm: string): Projection | null {
  const tr = w.producer.get(t);
  const rs = tr && permOf(tr) === perm ? w.producer.get(tr.inputs[0]) : undefined;
  const target = rs?.op === 'Reshape' ? intsOf(w, rs.inputs[1]) : null;
  if (!tr || !rs || !target || target.length !== 4 || target[0] !== 0 || target[1] !== 0) return null;
  let y = w.producer.get(rs.inputs[0]);
  const add = y?.op === 'Add' ? y : undefined;
  const bias = add?.inputs.find((i) => w.g.initializers.has(i));
  if (add) y = w.producer.get(add.inputs.find((i) => i !== bias) ?? '');
  if (!y || y.op !== 'MatMul' || !w.g.initializers.has(y.inputs[1]) || (add && !bias)) return null;
  return { x: y.inputs[0], kernel: y.inputs[1], bias, heads: target[2], size: target[3], nodes: [tr, rs, y, ...(add ? [add] : [])] };
}

/** Multi-head self-attention as Stride exports it, found from its Softmax: every tensor and node of the pattern. */
export interface Attention {
  readonly x: string;
  readonly q: Projection;
  readonly k: Projection;
  readonly v: Projection;
  readonly out: { readonly kernel: string; readonly bias?: string };
  readonly nodes: readonly Node[];
  /** The node whose output is the layer's. */
  readonly last: Node;
}

/** The part after the heads: MatMul(weights, V) → Transpose (0, 2, 1, 3) → Reshape (0, 0, −1) → MatMul(W) [+ B]. */
function outputProjection(w: Walk, weighted: Node, width: number): { kernel: string; bias?: string; nodes: Node[]; last: Node } | null {
  const tr = only(w, weighted.outputs[0]);
  const rs = tr && permOf(tr) === '0,2,1,3' ? only(w, tr.outputs[0]) : undefined;
  const target = rs?.op === 'Reshape' ? intsOf(w, rs.inputs[1]) : null;
  if (!tr || !rs || !target || target.join(',') !== `0,0,${width}`) return null;
  const mm = only(w, rs.outputs[0]);
  if (!mm || mm.op !== 'MatMul' || mm.inputs[0] !== rs.outputs[0] || !w.g.initializers.has(mm.inputs[1])) return null;
  const add = only(w, mm.outputs[0]);
  const bias = add?.op === 'Add' ? add.inputs.find((i) => w.g.initializers.has(i)) : undefined;
  const nodes = [weighted, tr, rs, mm];
  return bias && add ? { kernel: mm.inputs[1], bias, nodes: [...nodes, add], last: add } : { kernel: mm.inputs[1], nodes, last: mm };
}

/** The attention pattern around a Softmax, or null when the Softmax is not the inside of one. */
export function attentionAt(w: Walk, softmax: Node): Attention | null {
  const scores = w.producer.get(softmax.inputs[0]);
  const mul = scores?.op === 'MatMul' ? w.producer.get(scores.inputs[0]) : undefined;
  const factor = mul?.op === 'Mul' ? mul.inputs.map((t) => w.g.values.get(t)).find((v) => v?.length === 1) : undefined;
  const weighted = only(w, softmax.outputs[0]);
  if (!scores || !mul || !factor || !weighted || weighted.op !== 'MatMul' || weighted.inputs[0] !== softmax.outputs[0]) return null;
  const q = projection(w, mul.inputs.find((t) => !w.g.values.has(t)) ?? '', '0,2,1,3');
  const k = projection(w, scores.inputs[1], '0,2,3,1');
  const v = projection(w, weighted.inputs[1], '0,2,1,3');
  if (!q || !k || !v || q.x !== k.x || q.x !== v.x || q.heads !== k.heads || q.heads !== v.heads || q.size !== k.size) return null;
  if (Math.abs(factor[0] - 1 / Math.sqrt(q.size)) > 1e-6 || ![-1, 3].includes(num(softmax, 'axis', -1))) return null;
  if (new Set([q.bias, k.bias, v.bias].map((b) => b === undefined)).size !== 1) return null;
  const after = outputProjection(w, weighted, v.heads * v.size);
  if (!after || (after.bias === undefined) !== (q.bias === undefined)) return null;
  const nodes = [scores, mul, softmax, ...q.nodes, ...k.nodes, ...v.nodes, ...after.nodes];
  return { x: q.x, q, k, v, out: after, nodes, last: after.last };
}

function attention(w: Walk, softmax: Node): void {
  const a = attentionAt(w, softmax);
  if (!a) return;
  for (const m of a.nodes) if (m !== a.last) w.absorbed.add(m);
  const args = [`${a.q.heads}`, `${a.q.size}`];
  if (a.v.size !== a.q.size) args.push(`value_dim: ${a.v.size}`);
  if (a.q.bias === undefined) args.push('bias: false');
  const channels = w.g.dims.get(a.out.kernel)?.[1] ?? null;
  const call = `multihead_attention(${args.join(', ')})`;
  w.fused.set(a.last, { out: a.last.outputs[0], inputs: [a.x], call: () => call, node: a.last.name, source: softmax, info: { cf: false, rank: 3, channels } });
}

/** Finds the sequence patterns before the walk, as findPatterns does the others. */
export function findSequencePatterns(w: Walk): void {
  // The weights a recurrent node reads are theirs, whether or not the node is in the form the pattern takes.
  // Backwards, so a Concat read by another is decided after that one.
  for (const n of [...w.g.nodes].reverse())
    if (n.op === 'Concat' && consumers(w, n.outputs[0]).every((r) => r.op in RECURRENT || w.absorbed.has(r)) && constantConcats(w.g, w.producer, n.outputs[0]))
      w.absorbed.add(n);
  for (const n of w.g.nodes) {
    if (w.absorbed.has(n)) continue;
    if (n.op in RECURRENT) recurrent(w, n);
    else if (n.op === 'Slice') positional(w, n);
    else if (n.op === 'Softmax') attention(w, n);
  }
}

/** A Cast of token ids to integers, read only as the indices of embedding lookups: no layer. */
function cast(w: Walk, n: Node): void {
  const readers = consumers(w, n.outputs[0]);
  const integer = [6, 7].includes(num(n, 'to', 0));
  if (integer && readers.length > 0 && readers.every((r) => r.op === 'Gather' && r.inputs[1] === n.outputs[0] && w.g.initializers.has(r.inputs[0])))
    return aliasOf(w, n.outputs[0], n.inputs[0]);
  refuse(n, 'only the cast of token ids to integers before an embedding lookup is imported');
}

/** Gather of rows of a 2-D weight table by token ids: `embedding(vocab, dim)`. */
function gather(w: Walk, n: Node): void {
  const table = w.g.initializers.has(n.inputs[0]) ? w.g.dims.get(n.inputs[0]) : undefined;
  if (!table || table.length !== 2 || num(n, 'axis', 0) !== 0) refuse(n, 'only a lookup of the rows of a 2-D weight table (an embedding) is imported');
  const ids = infoOf(w, n.inputs[1]);
  if (!ids) return refuse(n, `its input '${n.inputs[1]}' is not produced by any node the importer read`);
  emit(w, n, n.outputs[0], [n.inputs[1]], `embedding(${table[0]}, ${table[1]})`, { cf: false, rank: ids.rank + 1, channels: table[1] });
}

/** The walk's handlers for the sequence operators that are not inside a pattern. */
export const SEQUENCE: Readonly<Record<string, (w: Walk, n: Node) => void>> = {
  Cast: cast,
  Gather: gather,
  LSTM: unmatchedRecurrent,
  GRU: unmatchedRecurrent,
  RNN: unmatchedRecurrent,
};
