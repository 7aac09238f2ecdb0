// The weights every exporter writes: arrays in Stride's own layout (Keras/tfjs), named by layer, in build order.

/** One weight array, e.g. a conv kernel (kh, kw, c_in, c_out) or a batch-norm moving mean (c). */
export interface WeightArray {
  /** `layer/weight` as tfjs names it, e.g. `conv2d_1/kernel`, `stem/moving_mean`. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Every weight of a model in the order tfjs lists them: all trainable weights layer by layer, then the non-trainable ones (batch-norm moving statistics). */
export type ModelWeights = readonly WeightArray[];

/**
 * The weights of one layer (by its tfjs layer name, see `tfName`): `kernel`, `bias`, `gamma`, … in the layer's order.
 * A layer that tfjs builds as several (an explicit pad before a convolution) is found by its own name.
 */
export function weightsOf(weights: ModelWeights, layer: string): WeightArray[] {
  const prefix = `${layer}/`;
  return weights.filter((w) => w.name.startsWith(prefix) && !w.name.slice(prefix.length).includes('/'));
}

/** The short name of a weight: `conv2d_1/kernel` → `kernel`. */
export function weightKey(w: WeightArray): string {
  return w.name.slice(w.name.lastIndexOf('/') + 1);
}
