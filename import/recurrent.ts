// Recurrent layers (ONNX LSTM, GRU, RNN) with the nodes around them that only move the batch and time axes, as
// Stride's export and PyTorch's write them, found as one pattern and written as one `lstm`, `gru` or `simple_rnn`.

import type { Graph, Node } from './graph';
import { intsOf } from './fuse';
import { consumers, num, refuse, type Info, type Walk } from './state';

/** The recurrent operators: the Stride layer each becomes and its activations when the file names none. */
export const RECURRENT: Readonly<Record<string, { readonly kind: string; readonly acts: readonly string[] }>> = {
  LSTM: { kind: 'lstm', acts: ['Sigmoid', 'Tanh', 'Tanh'] },
  GRU: { kind: 'gru', acts: ['Sigmoid', 'Tanh'] },
  RNN: { kind: 'simple_rnn', acts: ['Tanh'] },
};
/** ONNX activation names as Stride names them. */
const ACTIVATION: Readonly<Record<string, string>> = { Tanh: 'tanh', Relu: 'relu', Sigmoid: 'sigmoid', Softsign: 'softsign', Softplus: 'softplus' };

/** The one node reading `t`, if only one does. */
export const only = (w: Walk, t: string): Node | undefined => {
  const rs = consumers(w, t);
  return rs.length === 1 ? rs[0] : undefined;
};
export const permOf = (n: Node | undefined): string => String(n?.attrs.get('perm'));

/**
 * A tensor the file computes from constants alone: a weight, or a Concat of such tensors (Stride's export joins the
 * two directions' weights, and a bias with the zero recurrent bias, that way). The Concat nodes, or null.
 */
export function constantConcats(g: Graph, producer: ReadonlyMap<string, Node>, t: string, depth = 0): Node[] | null {
  if (g.dims.has(t)) return [];
  const p = producer.get(t);
  if (!p || p.op !== 'Concat' || depth > 16) return null;
  const parts = p.inputs.map((i) => constantConcats(g, producer, i, depth + 1));
  return parts.every((x) => x !== null) ? [p, ...(parts as Node[][]).flat()] : null;
}

/** The recurrent layer's call; attributes Stride has no layer for are refused, naming the node. */
function recurrentCall(n: Node, sequences: boolean): string {
  const { kind, acts: defaults } = RECURRENT[n.op];
  const direction = String(n.attrs.get('direction') ?? 'forward');
  if (direction === 'reverse') refuse(n, 'a layer that runs backwards only is not imported');
  const dirs = direction === 'bidirectional' ? 2 : 1;
  if (num(n, 'layout', 0) !== 0) refuse(n, 'layout 1 (batch first inside the operator) is not imported');
  if (n.attrs.has('clip') || num(n, 'input_forget', 0) !== 0 || n.attrs.has('activation_alpha') || n.attrs.has('activation_beta'))
    refuse(n, 'clip, input_forget and activation parameters have no Stride layer');
  if (n.inputs[4] || n.inputs[7]) refuse(n, 'sequence lengths and peepholes are not imported');
  const given = n.attrs.has('activations') ? String(n.attrs.get('activations')).split(',') : [];
  const acts = given.length > 0 ? given : [...defaults, ...(dirs === 2 ? defaults : [])];
  const [gate, ...state] = acts.slice(0, defaults.length);
  const act = kind === 'simple_rnn' ? gate : state[0];
  const same = acts.every((a, i) => a === acts[i % defaults.length]) && state.every((a) => a === act);
  if (!same || (kind !== 'simple_rnn' && gate !== 'Sigmoid') || !ACTIVATION[act])
    refuse(n, `activations (${acts.join(', ')}) are not a Stride layer's: a sigmoid gate and one state activation for every direction`);
  const args = [`${num(n, 'hidden_size', 0)}`];
  if (sequences) args.push('return_sequences: true');
  if (dirs === 2) args.push('bidirectional: true');
  if (act !== 'Tanh') args.push(`activation: ${ACTIVATION[act]}`);
  if (kind === 'gru' && num(n, 'linear_before_reset', 0) === 0) args.push('reset_after: false');
  if (!n.inputs[3]) args.push('bias: false');
  return `${kind}(${args.join(', ')})`;
}

/** Where the layer's output is: the nodes read as part of the pattern, the last one, and whether it is every step. */
interface Output {
  readonly nodes: readonly Node[];
  readonly last: Node;
  readonly sequences: boolean;
  /** The sequences are left time first, read only by the next recurrent layers (PyTorch's stacked layers). */
  readonly timeFirst?: boolean;
}

/** Per walk, the outputs of recurrent layers left time first for the next ones. */
const TIME_FIRST = new WeakMap<Walk, Set<string>>();
const timeFirst = (w: Walk): Set<string> => {
  const known = TIME_FIRST.get(w) ?? new Set<string>();
  TIME_FIRST.set(w, known);
  return known;
};
/** Whether only recurrent nodes (and shape arithmetic for their zero states) read `t`. */
const recurrentOnly = (w: Walk, t: string): boolean => {
  const rs = consumers(w, t);
  return rs.some((r) => r.op in RECURRENT && r.inputs[0] === t) && rs.every((r) => (r.op in RECURRENT && r.inputs[0] === t) || w.absorbed.has(r));
};

/** Gather of one index on `axis` (a step or a direction), or Squeeze of `axis`, with the index among `indices`. */
function picks(w: Walk, n: Node | undefined, axis: number, indices: readonly number[]): boolean {
  if (n?.op === 'Squeeze') return (n.attrs.has('axes') ? String(n.attrs.get('axes')) : intsOf(w, n.inputs[1] ?? '')?.join(',')) === `${axis}`;
  const index = n?.op === 'Gather' && num(n, 'axis', 0) === axis ? intsOf(w, n.inputs[1]) : null;
  return index?.length === 1 && indices.includes(index[0]);
}

/** Reshape to rank `rank` whose last dimension is the directions merged (or −1). */
function merges(w: Walk, n: Node | undefined, rank: number, width: number): n is Node {
  const target = n?.op === 'Reshape' ? intsOf(w, n.inputs[1]) : null;
  return !!target && target.length === rank && (target[rank - 1] === -1 || target[rank - 1] === width);
}

/**
 * The last state Y_h (directions, N, U): Stride writes Transpose (1, 0, 2) → Reshape (N, D·U); PyTorch's `h[-1]` or
 * `h.squeeze(0)` of one direction is the state itself.
 */
function stateOutput(w: Walk, t: Node, dirs: number, width: number): Output | null {
  const r = only(w, t.outputs[0]);
  if (permOf(t) === '1,0,2' && merges(w, r, 2, width)) return { nodes: [t], last: r, sequences: false };
  if (dirs === 1 && picks(w, t, 0, [0, -1])) return { nodes: [], last: t, sequences: false };
  return null;
}

/**
 * The sequences Y (T, directions, N, U): Stride writes Transpose (2, 0, 1, 3) → Reshape (N, T, D·U); PyTorch
 * Transpose (0, 2, 1, 3) → Reshape (T, N, D·U), or Squeeze of the one direction, then Transpose (1, 0, 2) to batch
 * first. PyTorch's `y[:, -1]` of one direction after that is the last state.
 */
function sequenceOutput(w: Walk, t: Node, dirs: number, width: number): Output | null {
  const r = only(w, t.outputs[0]);
  if (permOf(t) === '2,0,1,3') return merges(w, r, 3, width) ? { nodes: [t], last: r, sequences: true } : null;
  const moved = dirs === 1 && picks(w, t, 1, []) ? [t] : permOf(t) === '0,2,1,3' && merges(w, r, 3, width) ? [t, r] : null;
  if (!moved) return null;
  const end = moved[moved.length - 1];
  if (recurrentOnly(w, end.outputs[0])) return { nodes: moved.slice(0, -1), last: end, sequences: true, timeFirst: true };
  const back = only(w, end.outputs[0]);
  if (!back || permOf(back) !== '1,0,2') return null;
  const step = only(w, back.outputs[0]);
  if (dirs === 1 && picks(w, step, 1, [-1])) return { nodes: [...moved, back], last: step as Node, sequences: false };
  return { nodes: moved, last: back, sequences: true };
}

/** An initial state that is zero: none, a zero constant, or a zero constant expanded to the batch (PyTorch). */
function zeroState(w: Walk, t: string | undefined): Node[] | null {
  if (!t || w.g.zeros.has(t)) return [];
  const p = w.producer.get(t);
  return p?.op === 'Expand' && w.g.zeros.has(p.inputs[0]) ? [p] : null;
}

/** The pattern around recurrent node `n`, without its attributes: the nodes it holds, its input and its output. */
function around(w: Walk, n: Node): { readonly x: string; readonly nodes: Node[]; readonly out: Output; readonly width: number } | null {
  const p = w.producer.get(n.inputs[0]);
  // PyTorch reads the shape of the time-first input for its zero states: those readers are shape arithmetic.
  const pre = p?.op === 'Transpose' && permOf(p) === '1,0,2' && consumers(w, p.outputs[0]).every((c) => c === n || w.absorbed.has(c)) ? p : undefined;
  if (!pre && !timeFirst(w).has(n.inputs[0])) return null;
  const weights = [1, 2, 3].map((i) => (n.inputs[i] ? constantConcats(w.g, w.producer, n.inputs[i]) : []));
  const states = [5, 6].map((i) => zeroState(w, n.inputs[i]));
  if (weights.some((c) => c === null) || states.some((s) => s === null)) return null;
  const used = n.outputs.flatMap((o, i) => (o && consumers(w, o).length > 0 ? [i] : []));
  const t = used.length === 1 ? only(w, n.outputs[used[0]]) : undefined;
  if (!t || used[0] > 1) return null;
  const dirs = n.attrs.get('direction') === 'bidirectional' ? 2 : 1;
  const width = dirs * num(n, 'hidden_size', 0);
  const out = used[0] === 0 ? sequenceOutput(w, t, dirs, width) : stateOutput(w, t, dirs, width);
  if (!out) return null;
  return { x: pre ? pre.inputs[0] : n.inputs[0], nodes: [...(pre ? [pre] : []), ...(weights as Node[][]).flat(), ...(states as Node[][]).flat()], out, width };
}

/** A recurrent node in a form the importer reads becomes one layer written at the last node of its output. */
export function recurrent(w: Walk, n: Node): void {
  const found = around(w, n);
  const pre = w.producer.get(n.inputs[0]);
  // Unread, the walk reaches the node, not the move to time first before it, and refuses it with the reason.
  if (!found && pre && permOf(pre) === '1,0,2' && only(w, pre.outputs[0]) === n) w.absorbed.add(pre);
  if (!found) return;
  const { x, nodes, out, width } = found;
  let call: string;
  try {
    call = recurrentCall(n, out.sequences);
  } catch {
    // The walk reaches the node, not the nodes around it, and refuses it with the reason.
    for (const m of [...nodes, ...out.nodes]) w.absorbed.add(m);
    return;
  }
  for (const m of [...nodes, n, ...out.nodes]) w.absorbed.add(m);
  if (out.timeFirst) timeFirst(w).add(out.last.outputs[0]);
  const info: Info = { cf: false, rank: out.sequences ? 3 : 2, channels: width };
  w.fused.set(out.last, { out: out.last.outputs[0], inputs: [x], call: () => call, node: n.name, source: n, info });
}

/** A recurrent node the pattern did not take: its attributes' reason, else the forms it may have. */
export function unmatchedRecurrent(_w: Walk, n: Node): void {
  recurrentCall(n, false);
  refuse(
    n,
    'only a batch-first input transposed to time first, zero initial states, and the sequences or last state moved back to batch first with the directions concatenated (as Stride and PyTorch export them) are imported',
  );
}
