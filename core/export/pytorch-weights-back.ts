// The exported PyTorch module's state_dict back into Stride's weights: the inverse of stateDict (pytorch-weights.ts).

import type { ModelAnalysis } from '../analyze';
import type { GraphNode } from '../model/graph';
import { stateDict, type StateTensor } from './pytorch-weights';
import type { ModelWeights } from './weights';

/** Where each state_dict element comes from: the Stride weight (index) and element, or -1 for constants. */
interface Origin {
  readonly weight: Int32Array;
  readonly element: Int32Array;
}

const SPLIT = 4096;

/**
 * stateDict only moves values (transposes, gate reorders, reshapes) and adds constants (frozen ones and zeros, the
 * batch counter), so its inverse is read off by running it on labelled inputs: once with every element of weight i
 * set to −(i + 1), then with each element's index in two parts (float32 holds integers exactly only up to 2²⁴).
 * Constants come out as 0 or 1, never negative.
 */
function origins(model: ModelAnalysis, like: ModelWeights, layerName: (node: GraphNode) => string): Map<string, Origin> {
  const run = (value: (w: number, k: number) => number) =>
    stateDict(
      model,
      like.map((w, i) => ({ ...w, data: Float32Array.from(w.data, (_, k) => value(i, k)) })),
      layerName,
    );
  const byWeight = run((i) => -(i + 1));
  const low = run((_, k) => k % SPLIT);
  const high = run((_, k) => Math.floor(k / SPLIT));
  const out = new Map<string, Origin>();
  byWeight.forEach((t, i) => {
    if (t.dtype !== 'F32') return;
    const [w, l, h] = [t.data, low[i].data, high[i].data] as Float32Array[];
    out.set(t.key, { weight: Int32Array.from(w, (v) => (v < 0 ? -v - 1 : -1)), element: Int32Array.from(l, (v, k) => h[k] * SPLIT + v) });
  });
  return out;
}

/**
 * Stride's weights (names and shapes of `like`, the model's own) from a state_dict of the exported module. Every
 * Stride weight element must be found in it; a missing key or a shape that differs is an error naming the key.
 */
export function weightsFromStateDict(
  model: ModelAnalysis,
  like: ModelWeights,
  state: ReadonlyMap<string, Pick<StateTensor, 'shape' | 'data'>>,
  layerName: (node: GraphNode) => string,
): ModelWeights {
  const result = like.map((w) => ({ name: w.name, shape: [...w.shape], data: new Float32Array(w.data.length) }));
  const filled = like.map((w) => new Uint8Array(w.data.length));
  const expected = new Map(stateDict(model, like, layerName).map((t) => [t.key, t.shape]));
  for (const [key, origin] of origins(model, like, layerName)) {
    const tensor = state.get(key);
    if (!tensor) throw new Error(`the PyTorch weights have no '${key}'; were they trained from this model's export?`);
    const want = expected.get(key)!;
    if (tensor.shape.join(',') !== want.join(',')) {
      throw new Error(`'${key}' has shape (${tensor.shape.join(', ')}) in the PyTorch weights but (${want.join(', ')}) in the model`);
    }
    origin.weight.forEach((w, i) => {
      if (w < 0) return;
      result[w].data[origin.element[i]] = Number(tensor.data[i]);
      filled[w][origin.element[i]] = 1;
    });
  }
  const missing = filled.findIndex((f) => f.includes(0));
  if (missing >= 0) throw new Error(`the PyTorch weights do not determine all of '${like[missing].name}'`);
  return result;
}
