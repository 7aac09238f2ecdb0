// PyTorch's hard sigmoid and hard swish as tfjs activations, usable as `activation:` of any layer. tfjs's own
// `hardSigmoid` is Keras 2's clip(0.2·x + 0.5, 0, 1), which Stride does not mean.

import * as tf from '@tensorflow/tfjs';

/** relu6(x + 3) / 6: PyTorch's Hardsigmoid and Keras 3's hard_sigmoid. */
export const hardSigmoid = (x: tf.Tensor): tf.Tensor => tf.div(tf.relu6(tf.add(x, 3)), 6);
/** x · relu6(x + 3) / 6: PyTorch's Hardswish (MobileNetV3). */
export const hardSwish = (x: tf.Tensor): tf.Tensor => tf.mul(x, hardSigmoid(x));

/** tfjs finds activations by class name in its serialization map; these register under Stride's own names. */
class StrideHardSigmoid extends tf.serialization.Serializable {
  static className = 'strideHardSigmoid';
  override getClassName(): string {
    return StrideHardSigmoid.className;
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => hardSigmoid(x));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

class StrideHardSwish extends tf.serialization.Serializable {
  static className = 'strideHardSwish';
  override getClassName(): string {
    return StrideHardSwish.className;
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => hardSwish(x));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

tf.serialization.registerClass(StrideHardSigmoid);
tf.serialization.registerClass(StrideHardSwish);
