// PyTorch emitters for the remaining kinds: group and local response normalisation, PReLU, noise and spatial dropout,
// permute and resizing.

import { affine, channelsFirst, nums, py, registerEmitters, registerHelper, swapLC, toTorchPermutation, type Emitter } from './pytorch-emit';

registerHelper(
  '_PReLU',
  `class _PReLU(nn.Module):
    """Keras PReLU: a learned slope for negative inputs per element, shared along the axes of size 1."""

    def __init__(self, shape):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(shape))

    def forward(self, x):
        return torch.where(x >= 0, x, x * self.weight)`,
);

registerHelper(
  '_GaussianNoise',
  `class _GaussianNoise(nn.Module):
    """Keras GaussianNoise: adds N(0, stddev²) noise in training, nothing at inference."""

    def __init__(self, stddev):
        super().__init__()
        self.stddev = stddev

    def forward(self, x):
        return x + torch.randn_like(x) * self.stddev if self.training else x`,
);

registerHelper(
  '_GaussianDropout',
  `class _GaussianDropout(nn.Module):
    """Keras GaussianDropout: multiplies by N(1, rate / (1 − rate)) noise in training, nothing at inference."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        if not self.training or self.rate == 0.0:
            return x
        return x * (1 + torch.randn_like(x) * (self.rate / (1.0 - self.rate)) ** 0.5)`,
);

/** A channel-wise module (dim 1) on the exporter's layout: sequences (N, L, C) are swapped to (N, C, L) around it. */
const onChannels = (call: string, x: string, rank: number): string => (rank === 2 ? swapLC(`${call}(${swapLC(x)})`) : `${call}(${x})`);

const spatialDropout =
  (r: number): Emitter =>
  ({ args, self }, { x, rank }) => ({
    init: `${self} = nn.Dropout${r}d(${py(args.rate)})`,
    expr: onChannels(self, x, rank),
  });

const EXTRA: Record<string, Emitter> = {
  groupnorm: ({ args, self }, { x, rank, cin }) => {
    const { flag, freeze } = affine(self, args);
    return { init: `${self} = nn.GroupNorm(${args.groups}, ${cin}, eps=${py(args.epsilon)}, affine=${flag})${freeze}`, expr: onChannels(self, x, rank) };
  },
  // PyTorch's LocalResponseNorm wants a spatial axis: vectors get one of size 1.
  lrn: ({ args, self }, { x, rank }) => ({
    init: `${self} = nn.LocalResponseNorm(${args.size}, alpha=${py(args.alpha)}, beta=${py(args.beta)}, k=${py(args.k)})`,
    expr: rank === 1 ? `${self}(${x}.unsqueeze(-1)).squeeze(-1)` : onChannels(self, x, rank),
  }),
  prelu: ({ args, self, inShapes }, { x, rank }) => {
    const shared = nums(args.shared_axes ?? []);
    const shape = inShapes[0].map((d, i) => (shared.includes(i + 1) ? 1 : (d as number)));
    const torchShape = channelsFirst(rank) ? [shape[rank - 1], ...shape.slice(0, -1)] : shape;
    return { init: `${self} = _PReLU(${py(torchShape)})`, expr: `${self}(${x})` };
  },
  spatial_dropout1d: spatialDropout(1),
  spatial_dropout2d: spatialDropout(2),
  spatial_dropout3d: spatialDropout(3),
  gaussian_noise: ({ args, self }, { x }) => ({ init: `${self} = _GaussianNoise(${py(args.stddev)})`, expr: `${self}(${x})` }),
  gaussian_dropout: ({ args, self }, { x }) => ({ init: `${self} = _GaussianDropout(${py(args.rate)})`, expr: `${self}(${x})` }),
  alpha_dropout: ({ args, self }, { x }) => ({ init: `${self} = nn.AlphaDropout(${py(args.rate)})`, expr: `${self}(${x})` }),
  permute: ({ args, info }, { x, rank }) => {
    const perm = toTorchPermutation(nums(args.dims), rank, info.shape?.length ?? rank);
    return { expr: perm.every((p, i) => p === i) ? x : `${x}.permute(${perm.join(', ')})` };
  },
  // Keras's Resizing samples at half-pixel centres without antialiasing: align_corners=False, and nearest-exact.
  resizing: ({ args }, { x }) => {
    const mode = args.interpolation === 'nearest' ? 'nearest-exact' : 'bilinear';
    const corners = mode === 'bilinear' ? ', align_corners=False' : '';
    return { expr: `F.interpolate(${x}, size=${py([args.height, args.width])}, mode="${mode}"${corners})` };
  },
};

registerEmitters(EXTRA);
