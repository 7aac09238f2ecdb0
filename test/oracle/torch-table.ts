// The PyTorch oracle table: kinds and arguments tfjs lacks (groups, causal padding, ceil mode, Lp pooling, …).

import { grid, type OracleCase } from './cases';

const seqs = [
  [9, 4],
  [4, 2],
];
const images = [
  [9, 9, 4],
  [7, 10, 6],
  [2, 3, 4],
];
const vols = [[6, 7, 5, 4]];
const biases = [undefined, false];
const pair = (a: number[], b: number[]) => [a, b];

export const torchConvCases: OracleCase[] = [
  ...grid('conv1d', seqs, { kernel: [1, 2, 3], stride: [1, 2], dilation: [1, 2], bias: biases }, { filters: 4, padding: 'causal' }),
  ...grid('conv1d', seqs, { groups: [1, 2, 4, 3], padding: ['valid', 'same'] }, { filters: 12, kernel: 3 }),
  ...grid('conv2d', images, { groups: [1, 2, 3], kernel: [1, 3, [3, 2]], padding: ['valid', 'same'], dilation: [1, 2] }, { filters: 6 }),
  ...grid('conv2d', [[9, 9, 4]], { groups: [2] }, { filters: 5, kernel: 3 }),
  ...grid('conv3d', vols, { groups: [1, 2, 4], kernel: [1, 3], stride: [1, 2], bias: biases }, { filters: 8 }),
  ...grid('depthwise_conv2d', images, { kernel: [3, [2, 3]], dilation: [2, [1, 3]], depth_multiplier: [undefined, 2], padding: ['valid', 'same'] }),
  ...grid('depthwise_conv1d', seqs, { kernel: [2, 3], dilation: [1, 2], depth_multiplier: [undefined, 3], bias: biases }, { padding: 'causal' }),
  ...grid('separable_conv1d', seqs, { kernel: [2, 3], dilation: [1, 2], depth_multiplier: [undefined, 2], bias: biases }, { filters: 5, padding: 'causal' }),
  ...grid('separable_conv2d', images, { kernel: [3], dilation: [1, 2], depth_multiplier: [undefined, 2], padding: ['valid', 'same'] }, { filters: 7 }),
];

/** PyTorch's numeric padding: `P`, one per axis, or one per side (explicit F.pad), on every convolution kind. */
export const torchPaddingCases: OracleCase[] = [
  ...grid('conv1d', seqs, { padding: [0, 1, 3, [2, 0]], stride: [1, 2] }, { filters: 4, kernel: 3 }),
  ...grid('conv2d', images, { padding: [1, [1, 2], [0, 1, 2, 0]], stride: [1, 2], kernel: [3, [3, 1]] }, { filters: 5 }),
  ...grid('conv2d', [[2, 3, 4]], { padding: [1], kernel: [5] }, { filters: 2 }),
  ...grid('conv3d', vols, { padding: [1, [0, 1, 2], [1, 0, 0, 1, 1, 1]] }, { filters: 3, kernel: 3, stride: 2 }),
  ...grid('depthwise_conv2d', images, { padding: [1, [0, 1, 1, 0]], stride: [1, 2] }, { kernel: 3 }),
  ...grid('depthwise_conv1d', seqs, { padding: [1, [0, 2]] }, { kernel: 3 }),
  ...grid('separable_conv2d', images, { padding: [1, [2, 0]] }, { filters: 6, kernel: 3 }),
  ...grid('separable_conv1d', seqs, { padding: [1] }, { filters: 6, kernel: 3 }),
  ...['conv1d_transpose', 'conv2d_transpose', 'conv3d_transpose'].flatMap((k) =>
    grid(k, k.startsWith('conv1') ? seqs : k.startsWith('conv2') ? images : vols, { padding: [0, 1, 2], stride: [1, 2] }, { filters: 3, kernel: 3 }),
  ),
  ...grid('conv2d_transpose', [[3, 3, 2]], { padding: [[1, 0], 4] }, { filters: 2, kernel: 4, stride: 2 }),
  ...['maxpool1d', 'avgpool1d'].flatMap((k) => grid(k, seqs.slice(0, 1), { padding: [1, [0, 1]], stride: [1, 2], ceil_mode: [undefined, true] }, { pool: 3 })),
  ...['maxpool2d', 'avgpool2d'].flatMap((k) =>
    grid(k, images, { padding: [1, [1, 0], 2, [0, 1, 1, 0]], pool: [3, [2, 3]], stride: [undefined, 2], ceil_mode: [undefined, true] }),
  ),
  ...['maxpool3d', 'avgpool3d'].flatMap((k) => grid(k, [[6, 7, 5, 2]], { padding: [1, [1, 0, 1]], ceil_mode: [undefined, true] }, { pool: 3, stride: 2 })),
  ...grid('avgpool2d', [[7, 10, 6]], { count_include_pad: [true, false], ceil_mode: [undefined, true] }, { pool: 3, stride: 2, padding: 1 }),
].filter((c) => !(c.args.ceil_mode === true && Array.isArray(c.args.padding) && c.args.padding.length === 2 * Number(/(\d)d/.exec(c.kind)![1])));

export const torchPoolCases: OracleCase[] = [
  ...['maxpool1d', 'avgpool1d', 'lppool1d'].flatMap((k) =>
    grid(
      k,
      [
        [9, 3],
        [10, 2],
        [2, 2],
      ],
      { pool: [1, 2, 3], stride: [undefined, 1, 2, 3], ceil_mode: [undefined, true] },
    ),
  ),
  ...['maxpool2d', 'avgpool2d', 'lppool2d'].flatMap((k) =>
    grid(k, images, { pool: [2, 3, [3, 2]], stride: [undefined, 1, 2, [2, 3]], ceil_mode: [undefined, true] }),
  ),
  // PyTorch's 3-D average pooling refuses windows larger than the input even in ceil mode (2-D allows them), so 3-D inputs cover the window.
  ...['maxpool3d', 'avgpool3d', 'lppool3d'].flatMap((k) =>
    grid(
      k,
      [
        [6, 7, 5, 2],
        [3, 4, 3, 1],
      ],
      { pool: [2, 3, [3, 2, 1]], stride: [undefined, 1, 2], ceil_mode: [undefined, true] },
    ),
  ),
  ...['lppool1d', 'lppool2d'].flatMap((k) =>
    grid(
      k,
      [[8, 6, 2]].map((s) => (k === 'lppool1d' ? s.slice(1) : s)),
      { p: [1, 3] },
    ),
  ),
  ...['globalavgpool3d', 'globalmaxpool3d'].flatMap((k) => grid(k, [...vols, [1, 1, 1, 3]], { keepdims: [undefined, true] })),
  ...['globalavgpool2d', 'globalmaxpool1d'].flatMap((k) => grid(k, k.endsWith('1d') ? seqs : images, { keepdims: [true] })),
];

export const torchNormCases: OracleCase[] = [
  // PyTorch learns γ and β together (affine) or neither; tfjs checks center and scale separately.
  ...grid('batchnorm', [[5, 5, 3], [7], [4, 6], [3, 4, 5, 2]], {}),
  ...grid('batchnorm', [[5, 5, 3]], {}, { center: false, scale: false }),
  ...grid(
    'groupnorm',
    [
      [5, 5, 6],
      [7, 12],
      [3, 4, 5, 8],
    ],
    { groups: [1, 2, 3, 4, 6] },
  ),
  ...grid('groupnorm', [[5, 5, 32]], {}),
  ...grid('groupnorm', [[5, 5, 32]], {}, { center: false, scale: false }),
  ...grid('layernorm', [[5, 5, 6], [7]], {}),
  ...grid('layernorm', [[5, 5, 6], [7]], {}, { center: false, scale: false }),
  ...grid(
    'lrn',
    [
      [5, 5, 6],
      [7, 12],
    ],
    { size: [undefined, 2, 3] },
  ),
  ...['spatial_dropout2d', 'spatial_dropout3d'].flatMap((k) => grid(k, k.endsWith('2d') ? images : vols, { rate: [0.2] })),
];

export const torchMiscCases: OracleCase[] = [
  ...grid('elu', [[4, 5]], { alpha: [0.5, 2] }),
  ...grid('softmax', [[4, 5, 3]], { axis: [1, 2, -2, 3, 4] }),
  ...['hard_swish', 'hard_tanh', 'hard_sigmoid'].flatMap((k) => grid(k, [[4, 5, 3]], {})),
  ...grid('scale', [[4, 5, 3], [7], [3, 4, 5, 6]], { init: [undefined, 1e-6] }),
  ...grid('drop_path', [[4, 5, 3], [7]], { rate: [0, 0.1, 0.5] }),
  ...grid('prelu', images, { shared_axes: [[1, 2]] }),
  ...grid('prelu', seqs, { shared_axes: [[1]] }),
  ...grid('subtract', [pair([4, 4, 3], [4, 4, 3]), pair([6], [6]), pair([4, 4, 3], [4, 4, 2]), [[5], [5], [5]]], {}),
  ...grid('concat', [pair([4, 4, 3], [4, 2, 3]), pair([4, 4, 3], [2, 4, 3]), pair([4, 4, 3], [4, 4, 5])], { axis: [-2, -3, -4, 4] }),
  ...grid('dense', [[7], [4, 6]], { units: [3], bias: biases }),
  ...grid('embedding', [[10], [3, 4]], { vocab: [100], dim: [8] }),
];

/** split is checked on its last part; slices past the axis and parts that do not divide are rejected on both sides. */
export const torchSplitCases: OracleCase[] = [
  ...grid('split', [[4, 4, 12], [6, 12], [12]], { parts: [2, 3, 5, [4, 8], [2, 2, 8], [4, 4]] }),
  ...grid('split', [[4, 6, 12]], { parts: [2, 3, [1, 5]], axis: [-2, 2] }),
  ...grid('slice', [[4, 4, 12], [12]], { start: [0, 3, -4, 12], stop: [undefined, 5, -1, 2] }),
  ...grid('slice', [[4, 6, 12]], { start: [1], stop: [4], axis: [1, -3, 2] }),
  ...grid(
    'channel_shuffle',
    [
      [4, 4, 12],
      [3, 5, 6],
    ],
    { groups: [1, 2, 3, 4, 5] },
  ),
];

export const torchSequenceCases: OracleCase[] = [
  ...['simple_rnn', 'lstm', 'gru'].flatMap((k) =>
    grid(
      k,
      [
        [7, 3],
        [1, 5],
      ],
      { units: [1, 8], return_sequences: [undefined, true], bidirectional: [undefined, true], bias: biases },
    ),
  ),
  ...['lstm', 'gru'].flatMap((k) => grid(k, [[6, 3]], { merge_mode: ['sum', 'mul', 'ave'] }, { units: 4, bidirectional: true, return_sequences: true })),
  ...grid('simple_rnn', [[6, 3]], { activation: ['relu'] }, { units: 4 }),
  ...grid(
    'multihead_attention',
    [
      [10, 16],
      [3, 12],
    ],
    { heads: [1, 2, 4], bias: biases },
    {},
  ).map((c) => ({
    ...c,
    args: { ...c.args, key_dim: (c.input[1] as number) / (c.args.heads as number) },
  })),
  ...grid(
    'positional_embedding',
    [
      [10, 16],
      [3, 12],
    ],
    { length: [3, 10, 64] },
  ),
];

/** TensorFlow cannot run strided and dilated windows at once (tfjs checks that); PyTorch can, so such rows stay out. */
const tfRunnable = (c: OracleCase) => {
  const many = (v: unknown) => (Array.isArray(v) ? v.some((x) => x > 1) : typeof v === 'number' && v > 1);
  return !(many(c.args.stride) && many(c.args.dilation));
};

export const torchCases: OracleCase[] = [
  ...torchConvCases,
  ...torchPaddingCases,
  ...torchPoolCases,
  ...torchNormCases,
  ...torchMiscCases,
  ...torchSplitCases,
  ...torchSequenceCases,
].filter(tfRunnable);
