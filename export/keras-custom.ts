// Python source of the few layers Keras lacks, written into an exported file only when the model uses them.

export const KERAS_CUSTOM: Readonly<Record<string, string>> = {
  PadSpatial: `@keras.saving.register_keras_serializable(package="stride")
class PadSpatial(layers.Layer):
    """Constant padding of the spatial axes, (before, after) per axis: PyTorch's explicit window padding.
    A max pool pads with -inf so padded values never win, as PyTorch's windows mean."""

    def __init__(self, pads, value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.pads = [tuple(p) for p in pads]
        self.value = value

    def call(self, x):
        return ops.pad(x, [(0, 0), *self.pads, (0, 0)], constant_values=self.value)

    def compute_output_shape(self, shape):
        spatial = [None if d is None else d + a + b for d, (a, b) in zip(shape[1:-1], self.pads)]
        return (shape[0], *spatial, shape[-1])

    def get_config(self):
        return {**super().get_config(), "pads": self.pads, "value": self.value}`,
  DropPath: `@keras.saving.register_keras_serializable(package="stride")
class DropPath(layers.Layer):
    """Stochastic depth: drops a whole residual branch per sample in training; the identity at inference."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed = keras.random.SeedGenerator()

    def call(self, x, training=False):
        if not training or self.rate == 0:
            return x
        keep = 1.0 - self.rate
        shape = (ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)
        mask = ops.floor(keep + keras.random.uniform(shape, seed=self.seed))
        return x / keep * mask

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}`,
  LayerScale: `@keras.saving.register_keras_serializable(package="stride")
class LayerScale(layers.Layer):
    """Multiplies each channel by a learned factor (ConvNeXt's layer scale), initialised to \`init\`."""

    def __init__(self, init=1.0, **kwargs):
        super().__init__(**kwargs)
        self.init = init

    def build(self, shape):
        self.gamma = self.add_weight(name="gamma", shape=(shape[-1],), initializer=keras.initializers.Constant(self.init))

    def call(self, x):
        return x * self.gamma

    def get_config(self):
        return {**super().get_config(), "init": self.init}`,
  PositionalEmbedding: `@keras.saving.register_keras_serializable(package="stride")
class PositionalEmbedding(layers.Layer):
    """Adds a learned vector per position (up to \`length\`) to a (steps, dim) sequence."""

    def __init__(self, length, **kwargs):
        super().__init__(**kwargs)
        self.length = length

    def build(self, shape):
        self.embeddings = self.add_weight(name="embeddings", shape=(self.length, shape[-1]), initializer="glorot_uniform")

    def call(self, x):
        return x + self.embeddings[: ops.shape(x)[1]]

    def get_config(self):
        return {**super().get_config(), "length": self.length}`,
  Slice: `@keras.saving.register_keras_serializable(package="stride")
class Slice(layers.Layer):
    """Keeps [start, stop) of one axis (batch = 0): a part of \`a, b = x -> split(2)\`."""

    def __init__(self, axis, start, stop, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.start, self.stop = axis, start, stop

    def call(self, x):
        index = [slice(None)] * len(x.shape)
        index[self.axis] = slice(self.start, self.stop)
        return x[tuple(index)]

    def compute_output_shape(self, shape):
        shape = list(shape)
        shape[self.axis] = self.stop - self.start
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "start": self.start, "stop": self.stop}`,
  ChannelShuffle: `@keras.saving.register_keras_serializable(package="stride")
class ChannelShuffle(layers.Layer):
    """ShuffleNet's channel shuffle: channels as (groups, c / groups), transposed, flattened back."""

    def __init__(self, groups, **kwargs):
        super().__init__(**kwargs)
        self.groups = groups

    def call(self, x):
        shape = ops.shape(x)
        channels = x.shape[-1]
        grouped = ops.reshape(x, (*shape[:-1], self.groups, channels // self.groups))
        axes = list(range(len(x.shape) - 1)) + [len(x.shape), len(x.shape) - 1]
        return ops.reshape(ops.transpose(grouped, axes), shape)

    def get_config(self):
        return {**super().get_config(), "groups": self.groups}`,
  ThresholdedReLU: `@keras.saving.register_keras_serializable(package="stride")
class ThresholdedReLU(layers.Layer):
    """x where x > theta, else 0 (Keras 2's ThresholdedReLU, dropped from Keras 3)."""

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta = theta

    def call(self, x):
        return ops.where(x > self.theta, x, ops.zeros_like(x))

    def get_config(self):
        return {**super().get_config(), "theta": self.theta}`,
};
