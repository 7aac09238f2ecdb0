// tfjs-layers' BatchNormalization, computing its training mode in one kernel where the backend has one (Node wasm).

import * as tf from '@tensorflow/tfjs';

/** Batch statistics, normalization, scale and shift in one kernel: outputs y, mean, variance (biased). */
export const BATCH_NORM_TRAIN = 'StrideBatchNormTrain';
/** Its gradient in one kernel: outputs dx, dγ, dβ. */
export const BATCH_NORM_TRAIN_GRAD = 'StrideBatchNormTrainGrad';
/**
 * Both moving statistics' updates in one kernel: inputs movingMean, mean, movingVariance, variance; attr momentum;
 * outputs the new moving mean and variance, v − (v − value)·(1 − momentum) in float32 as tfjs-layers computes it.
 */
export const MOVING_AVERAGES = 'StrideMovingAverages';

type Args = Parameters<typeof tf.layers.batchNormalization>[0];
type Call = tf.layers.Layer['call'];

/** The fields of tfjs-layers' BatchNormalization the training path reads (they are public there, untyped here). */
interface BatchNormFields {
  axis: number;
  epsilon: number;
  momentum: number;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

/** tfjs-layers' own class, found through its public serialization registry (tf.layers exports only the factory). */
const Base = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization[0] as unknown as new (args: Args) => tf.layers.Layer;

/**
 * The same layer (class name, weights, serialization, inference and fallback are tfjs-layers'), whose training
 * call runs BATCH_NORM_TRAIN when the current backend registers it: one kernel forward and one backward, where
 * tfjs-core builds ~25 small ones (moments, then FusedBatchNorm, and their gradients). The moving averages are
 * updated with tfjs-layers' own arithmetic by MOVING_AVERAGES, which is registered with it (wasm-kernels.ts): one
 * kernel where the element-wise operations take six and two scalar uploads (~10 % of a resnet8 step's kernels).
 */
export class FusedTrainingBatchNorm extends Base {
  static className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Parameters<Call>[1]): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs?.training || !this.fusable(x)) return super.call(inputs, kwargs);
    const f = this as unknown as BatchNormFields;
    return tf.tidy(() => {
      const [y, mean, variance] = tf
        .engine()
        .runKernel(
          BATCH_NORM_TRAIN,
          { x, scale: (f.gamma as tf.LayerVariable).read(), offset: (f.beta as tf.LayerVariable).read() },
          { epsilon: f.epsilon },
        ) as tf.Tensor[];
      const moving = { movingMean: f.movingMean.read(), mean, movingVariance: f.movingVariance.read(), variance };
      const [newMean, newVariance] = tf.engine().runKernel(MOVING_AVERAGES, moving, { momentum: f.momentum }) as tf.Tensor[];
      f.movingMean.write(newMean);
      f.movingVariance.write(newVariance);
      return y;
    });
  }

  /** Channels last, float32, both γ and β, and a backend with the kernel; anything else takes tfjs-layers' path. */
  private fusable(x: tf.Tensor): boolean {
    const f = this as unknown as BatchNormFields;
    const axis = f.axis < 0 ? f.axis + x.rank : f.axis;
    return (
      x.rank >= 2 &&
      axis === x.rank - 1 &&
      x.dtype === 'float32' &&
      f.gamma != null &&
      f.beta != null &&
      tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) != null
    );
  }
}

/** A batch-norm layer: tfjs-layers' BatchNormalization with the fused training path. */
export function batchNormalization(args: Args): tf.layers.Layer {
  return new FusedTrainingBatchNorm(args);
}
