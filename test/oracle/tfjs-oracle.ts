// Runs one oracle case through tfjs-layers (cpu backend): output shape from a real forward pass, weights by trainability.

import * as tf from '@tensorflow/tfjs';
import { hasNonPositive, inputsOf, type Dims, type Facts, type OracleCase } from './cases';

export type Make = (args: Readonly<Record<string, unknown>>, inputs: readonly Dims[]) => tf.layers.Layer;

let ready: Promise<void> | undefined;

/** Selects the pure-JS cpu backend once; it needs no native code and gives reference kernels. */
export function tfReady(): Promise<void> {
  ready ??= tf.setBackend('cpu').then((ok) => {
    if (!ok) throw new Error('tfjs cpu backend unavailable');
  });
  return ready;
}

const size = (w: tf.LayerVariable) => w.shape.reduce((a: number, b) => a * (b ?? 0), 1);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * tfjs's answer. The shape comes from applying the layer to a real batch of one where all input dims
 * are known, because some layers' `computeOutputShape` disagrees with what they compute (resizing).
 */
export function tfjsFacts(c: OracleCase, make: Make): Facts {
  const shapes = inputsOf(c);
  const multi = Array.isArray(c.input[0]);
  let layer: tf.layers.Layer;
  let shape: Dims;
  try {
    // tfjs may edit config arrays in place (reshape replaces -1), so it gets a copy.
    layer = make(structuredClone(c.args), shapes);
    shape = outputShape(layer, shapes, multi);
  } catch (e) {
    return { error: `tfjs: ${message(e)}` };
  }
  const trainable = layer.trainableWeights.reduce((a, w) => a + size(w), 0);
  const nonTrainable = layer.nonTrainableWeights.reduce((a, w) => a + size(w), 0);
  if (trainable + nonTrainable !== layer.countParams()) throw new Error('tfjs weight lists disagree with countParams()');
  layer.dispose();
  if (hasNonPositive(shape)) return { error: `tfjs output shape ${JSON.stringify(shape)}` };
  return { shape, trainable, nonTrainable };
}

/** Builds the layer on symbolic inputs, then runs it on zeros when every dimension is known. */
function outputShape(layer: tf.layers.Layer, shapes: readonly Dims[], multi: boolean): Dims {
  const symbolic = shapes.map((s) => tf.input({ shape: [...s] as number[] }));
  const out = layer.apply(multi ? symbolic : symbolic[0]) as tf.SymbolicTensor;
  // Where the declared shape is already impossible, a forward pass may still "succeed" (slices of size -1 mean "to the end").
  if (hasNonPositive(out.shape.slice(1))) return out.shape.slice(1);
  if (!shapes.every((s) => s.every((d) => d !== null))) return out.shape.slice(1);
  return tf.tidy(() => {
    const xs = shapes.map((s) => tf.zeros([1, ...(s as number[])]));
    const y = layer.apply(multi ? xs : xs[0]) as tf.Tensor;
    return y.shape.slice(1);
  });
}
