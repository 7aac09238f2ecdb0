// The shapes the Keras and tfjs readers share: a model's layers as its config lists them, and the tensors read.

export type { Imported, LayerWeights } from '../imported';

/** A plain JSON object from a model config. */
export type Json = { readonly [key: string]: unknown };

/** One Keras layer: its class, name, config and the names of the layers whose outputs it takes. */
export interface KLayer {
  readonly cls: string;
  readonly name: string;
  readonly config: Json;
  readonly inputs: readonly string[];
}

/**
 * A model config read into layers in topological order; `inputs` and `outputs` are the layers that take the model's
 * inputs and give its outputs, in the model's order.
 */
export interface KModel {
  readonly name: string;
  readonly layers: readonly KLayer[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** A float32 tensor read from a file. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The weights a file holds for one layer, by the layer's name: tensors by weight name, or in saved order. */
export type WeightSource = (layer: KLayer, names: readonly string[]) => readonly Tensor[] | null;
