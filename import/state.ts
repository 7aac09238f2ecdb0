// What the ONNX walk keeps while it reads a graph: the statements written so far, tensor aliases, and what is known
// of each tensor (layout, rank, channels) so that layout moves fold away and axes read right.

import type { Graph, Node } from './graph';
import { ImportError } from './read';

export interface Statement {
  readonly out: string;
  readonly inputs: readonly string[];
  /** The layer call, given how to refer to the inputs after the first. */
  readonly call: (ref: (t: string) => string) => string;
  readonly node?: string;
  readonly explicit?: boolean;
  /** The node whose weights the layer holds, for a layer written at one node (never a pattern or a merge). */
  readonly source?: Node;
  /** What is known of the output of a pattern's statement, when it is not what is known of its input. */
  readonly info?: Info;
}

/**
 * What the walk knows of a tensor. `cf`: held channels first (N, C, spatial…), as ONNX convolutions want; Stride is
 * channels-last throughout, so a transpose between the two layouts is no layer at all. `channels` is null when unknown.
 */
export interface Info {
  readonly cf: boolean;
  readonly rank: number;
  readonly channels: number | null;
}

export interface Walk {
  readonly g: Graph;
  readonly alias: Map<string, string>;
  readonly info: Map<string, Info>;
  /** Tensors that are the flat output of a global pooling: a following Flatten or Reshape is a no-op. */
  readonly pooled: Set<string>;
  /** Tensors that flatten a channels-first map: their values run (C, spatial…), not Stride's (spatial…, C). */
  readonly chwFlattened: Set<string>;
  /** Add nodes folded into the MatMul before them as its bias. */
  readonly folded: Set<Node>;
  /** Nodes read as part of a pattern written at another node (shape arithmetic, the inside of gelu, swish, shuffle). */
  readonly absorbed: Set<Node>;
  /** Nodes that stand for a whole pattern: the statement written at them. */
  readonly fused: Map<Node, Statement>;
  /** The node that produced each tensor. */
  readonly producer: ReadonlyMap<string, Node>;
  /** The nodes that read each tensor. */
  readonly readers: ReadonlyMap<string, readonly Node[]>;
  readonly statements: Statement[];
}

export function newWalk(g: Graph): Walk {
  const producer = new Map<string, Node>();
  const readers = new Map<string, Node[]>();
  for (const n of g.nodes) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of new Set(n.inputs)) readers.set(i, [...(readers.get(i) ?? []), n]);
  }
  return {
    g,
    alias: new Map(),
    info: new Map(),
    pooled: new Set(),
    chwFlattened: new Set(),
    folded: new Set(),
    absorbed: new Set(),
    fused: new Map(),
    producer,
    readers,
    statements: [],
  };
}

export const resolve = (w: Walk, t: string): string => {
  // Aliases only point to earlier tensors, but a malformed file may loop: bound the chase.
  for (let i = 0; i < 10000 && w.alias.has(t); i++) t = w.alias.get(t) as string;
  return t;
};
export const consumers = (w: Walk, t: string): readonly Node[] => w.readers.get(t) ?? [];
/** Layout is a property of the ONNX tensor, not of the Stride tensor it aliases: keyed by the ONNX name. */
export const infoOf = (w: Walk, t: string): Info | undefined => w.info.get(t);

/** True for a tensor that is a weight or a constant (an initializer, a Constant node's output). */
export const isConstant = (w: Walk, t: string): boolean => w.g.dims.has(t);

export function refuse(n: Node, why: string): never {
  throw new ImportError(`${n.op} node '${n.name}': ${why}`);
}

export const ints = (n: Node, key: string, fallback: readonly number[]): readonly number[] => {
  const v = n.attrs.get(key);
  return Array.isArray(v) ? v : fallback;
};
export const num = (n: Node, key: string, fallback: number): number => {
  const v = n.attrs.get(key);
  return typeof v === 'number' ? v : fallback;
};
/** A float32 attribute written with the digits it was meant to have (1e-5, not 9.99999974e-6). */
export const float = (x: number): string => String(Number(x.toPrecision(6)));

/** Writes one layer call `call` on `inputs` (the first is what flows in) for node `n`, and what is known of its output. */
export function emit(
  w: Walk,
  n: Node,
  out: string,
  inputs: readonly string[],
  call: string | ((ref: (t: string) => string) => string),
  info: Info | undefined,
): void {
  const resolved = inputs.map((t) => resolve(w, t));
  w.statements.push({ out, inputs: resolved, call: typeof call === 'string' ? () => call : call, node: n.name, explicit: n.op === 'Concat', source: n });
  if (info) w.info.set(out, info);
}

/** Makes `out` another name for `input`, with what is known of it (a layout move changes `cf`). */
export function aliasOf(w: Walk, out: string, input: string, info?: Info): void {
  w.alias.set(out, input);
  const known = info ?? w.info.get(input);
  if (known) w.info.set(out, known);
}
