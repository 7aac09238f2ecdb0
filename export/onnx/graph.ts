// Builds an ONNX graph layer by layer: unique tensor names, initializers, constants, and the NHWC ↔ NCHW moves
// between Stride's channels-last boundary and ONNX's channels-first operators.

import type { AttrValue, OpNode, Tensor } from './proto';

/**
 * A tensor in the graph under construction. `shape` is always Stride's (channels last, batch excluded); `cf` says
 * whether the ONNX tensor holds it channels first (N, C, spatial…), as convolutions and pooling want it.
 */
export interface Val {
  readonly name: string;
  readonly shape: readonly number[];
  readonly cf: boolean;
}

/** The ONNX axis of a Stride axis (batch = 0, negatives from the end) on a tensor of the given layout. */
export function onnxAxis(v: Val, axis: number): number {
  const rank = v.shape.length;
  const a = axis < 0 ? rank + 1 + axis : axis;
  if (!v.cf || rank < 2) return a;
  return a === rank ? 1 : a + 1;
}

/** The permutation that moves channels first (`toCf`) or back last, for a tensor of `rank` axes batch included. */
export function layoutPerm(rank: number, toCf: boolean): number[] {
  const middle = Array.from({ length: rank - 2 }, (_, i) => i + (toCf ? 1 : 2));
  return toCf ? [0, rank - 1, ...middle] : [0, ...middle, 1];
}

/** `data` of `shape` with its axes permuted (out axis i = in axis perm[i]): weights into ONNX layouts. */
export function permuted(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(data.length);
  const index = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < perm.length; i++) src += index[i] * strides[perm[i]];
    out[o] = data[src];
    for (let i = outShape.length - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

export class GraphBuilder {
  readonly nodes: OpNode[] = [];
  readonly initializers: Tensor[] = [];
  /** The layer being emitted: every tensor name it creates starts with it, so names read as `layer:Conv`. */
  scope = 'graph';
  private readonly used = new Set<string>();
  /** The other layout of a tensor once made, so several consumers share one Transpose. */
  private readonly moved = new Map<string, Val>();

  /** A fresh name in the current scope; `:` never occurs in Stride names, so these never collide with them. */
  fresh(what: string): string {
    const base = `${this.scope}:${what}`;
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node with `outputs` results; returns their names. */
  ops(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, (_, i) => this.fresh(outputs === 1 ? op : `${op}${i}`));
    this.nodes.push({ op, name: names[0], inputs, outputs: names, attrs });
    return names;
  }

  op(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}): string {
    return this.ops(op, inputs, attrs)[0];
  }

  /** A node whose output has a fixed name (the model's outputs). */
  named(op: string, inputs: readonly string[], output: string, attrs: Record<string, AttrValue> = {}): void {
    this.used.add(output);
    this.nodes.push({ op, name: output, inputs, outputs: [output], attrs });
  }

  /** A trained weight: an initializer, so the file's parameters are exactly the model's. */
  weight(what: string, dims: readonly number[], data: Float32Array): string {
    const name = this.fresh(what);
    this.initializers.push({ name, dims, type: 'float', data });
    return name;
  }

  /** A fixed constant (shapes, pads, axes, ones): a Constant node, never counted as a parameter. */
  ints(values: readonly number[]): string {
    return this.op('Constant', [], { value: { t: { name: 'value', dims: [values.length], type: 'int64', data: values } } });
  }

  floats(dims: readonly number[], values: readonly number[] | Float32Array): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    return this.op('Constant', [], { value: { t: { name: 'value', dims, type: 'float', data } } });
  }

  scalar(v: number): string {
    return this.floats([], [v]);
  }

  /** The tensor in the layout asked for: itself, or a (shared) Transpose of it. Ranks below 2 have one layout. */
  as(v: Val, cf: boolean): Val {
    if (v.cf === cf || v.shape.length < 2) return v;
    const key = `${v.name}|${cf}`;
    const known = this.moved.get(key);
    if (known) return known;
    const name = this.op('Transpose', [v.name], { perm: { ints: layoutPerm(v.shape.length + 1, cf) } });
    const out = { name, shape: v.shape, cf };
    this.moved.set(key, out);
    this.moved.set(`${name}|${v.cf}`, v);
    return out;
  }

  cf(v: Val): Val {
    return this.as(v, true);
  }

  cl(v: Val): Val {
    return this.as(v, false);
  }
}
