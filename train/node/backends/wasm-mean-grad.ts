// Mean's gradient (global average pooling, loss means) without the tensor of ones tfjs-core builds in JavaScript.
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs';

/**
 * tfjs-core computes dx = dy · ones(x.shape) / n, filling the ones in a JavaScript array and copying them to the
 * backend on every step (131K floats for resnet8's global average pooling). dy / n broadcast to x's shape is the
 * same value bit for bit (dy · 1 = dy) in one Tile.
 */
export const meanGradConfig: GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
    const reduceSize = axes.reduce((n, a) => n * x.shape[a], 1);
    const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, expanded), reduceSize), x.shape) };
  },
};
