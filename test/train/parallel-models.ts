// Models for the data-parallel tests (parallel.test.ts), in a module without side effects: the partner threads
// require it to build their replicas.
import * as tf from '@tensorflow/tfjs';
import { batchNormalization } from '../../train/layers/fused-batchnorm';

const L = tf.layers;

/**
 * conv → flatten → dense → dense, with an L2 regulariser, a frozen middle layer (so the model's flat weight list
 * is reordered: its trainable weights come first) and fixed initial weights.
 */
export function plainNet(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      L.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      L.flatten(),
      L.dense({
        units: 6,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }),
      }),
      L.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  model.layers[2].trainable = false;
  return model;
}

/** conv → batch norm (Stride's, as `stride train` builds it) → relu → pool → dense: per-share statistics matter. */
export function bnNet(): tf.LayersModel {
  return tf.sequential({
    layers: [
      L.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      batchNormalization({}),
      L.activation({ activation: 'relu' }),
      L.globalAveragePooling2d({}),
      L.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
    ],
  });
}

/** A model of another size: a partner built from it must be refused. */
export function otherNet(): tf.LayersModel {
  return tf.sequential({ layers: [L.dense({ inputShape: [4], units: 2 })] });
}
