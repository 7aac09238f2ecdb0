// The tfjs-layers oracle table, continued: 1-D and 3-D windows, normalization, activations, merges, sequences.

import { grid, type OracleCase } from './cases';

const seqs = [
  [9, 3],
  [8, 2],
  [2, 4],
  [1, 1],
];
const vols = [
  [6, 7, 5, 2],
  [3, 4, 8, 1],
];
const paddings = ['valid', 'same'];
const biases = [undefined, false];

export const conv13Cases: OracleCase[] = [
  // Causal padding and groups are checked by the PyTorch oracle: tfjs implements neither.
  ...grid('conv1d', seqs, { kernel: [1, 2, 3, 5], stride: [1, 2, 3], padding: paddings, dilation: [1, 2], bias: biases }, { filters: 4 }),
  ...grid('conv1d', [[null, 3]], { kernel: [3], padding: paddings }, { filters: 2 }),
  ...grid('conv3d', vols, { kernel: [1, 3, [2, 3, 1]], stride: [1, 2, [1, 2, 3]], padding: paddings, dilation: [1, 2], bias: biases }, { filters: 3 }),
  ...grid('depthwise_conv1d', seqs, { kernel: [1, 3], stride: [1, 2], padding: paddings, depth_multiplier: [undefined, 2], bias: biases }),
  ...grid('separable_conv1d', seqs, { kernel: [1, 3], stride: [1, 2], padding: paddings, depth_multiplier: [undefined, 2], bias: biases }, { filters: 5 }),
  ...grid('conv1d_transpose', seqs, { kernel: [1, 2, 3, 5], stride: [1, 2, 3], padding: paddings, bias: biases }, { filters: 3 }),
  ...grid('conv3d_transpose', vols, { kernel: [1, 3, [2, 3, 1]], stride: [1, 2, [1, 2, 3]], padding: paddings, bias: biases }, { filters: 2 }),
];

export const pool13Cases: OracleCase[] = [
  ...['maxpool1d', 'avgpool1d'].flatMap((k) => grid(k, seqs, { pool: [1, 2, 3], stride: [undefined, 1, 2], padding: paddings })),
  ...['maxpool3d', 'avgpool3d'].flatMap((k) => grid(k, vols, { pool: [1, 2, [3, 2, 1]], stride: [undefined, 1, [2, 1, 3]], padding: paddings })),
  ...['globalavgpool1d', 'globalmaxpool1d'].flatMap((k) => grid(k, [...seqs, [null, 6]], {})),
];

const pair = (a: number[], b: number[]) => [a, b];
export const moreCases: OracleCase[] = [
  ...grid('layernorm', [[5, 5, 3], [7], [4, 6]], { axis: [undefined, 1], center: [true, false], scale: [true, false] }),
  ...grid(
    'layernorm',
    [
      [5, 5, 3],
      [4, 6],
    ],
    { axis: [-2, 2] },
  ),
  ...grid('spatial_dropout1d', [[6, 4]], { rate: [0, 0.3] }),
  ...grid('gaussian_noise', [[6, 4], [3]], { stddev: [0, 0.1] }),
  ...['gaussian_dropout', 'alpha_dropout'].flatMap((k) => grid(k, [[6, 4], [3]], { rate: [0.1, 0.5] })),
  // tfjs does not check shared_axes against the input rank (it broadcasts nonsense), so only in-range axes are listed.
  ...grid(
    'prelu',
    [
      [5, 6, 3],
      [4, 6],
    ],
    { shared_axes: [undefined, [1], [1, 2], [2]] },
  ),
  ...grid('prelu', [[7]], { shared_axes: [undefined, [1]] }),
  ...grid('thresholded_relu', [[5, 6]], { theta: [undefined, 0.5] }),
  ...['softsign', 'mish'].flatMap((k) => grid(k, [[5, 6]], {})),
  // tfjs has no Subtract layer; PyTorch checks subtract.
  ...['multiply', 'average', 'maximum', 'minimum'].flatMap((k) =>
    grid(k, [pair([4, 4, 3], [4, 4, 3]), pair([6], [6]), pair([4, 4, 3], [4, 4, 2]), [[5], [5], [5]]], {}),
  ),
  // Broadcasting: an axis of 1 (or a missing leading axis) stretches, in either operand order.
  ...['add', 'multiply', 'average', 'maximum', 'minimum'].flatMap((k) =>
    grid(
      k,
      [
        pair([1, 1, 3], [4, 5, 3]),
        pair([4, 5, 3], [1, 1, 3]),
        pair([4, 1, 3], [1, 5, 1]),
        pair([4, 5, 3], [3]),
        pair([6], [4, 5, 6]),
        pair([4, 4, 3], [2, 4, 3]),
        pair([4, 4, 3], [1, 1, 2]),
        [
          [1, 1, 3],
          [4, 5, 3],
          [4, 1, 1],
        ],
      ],
      {},
    ),
  ),
  ...grid(
    'cropping2d',
    [
      [7, 8, 3],
      [3, 3, 2],
    ],
    { cropping: [undefined, 1, [1, 2], [0, 1, 2, 3], [2, 1, 3, 3]] },
  ),
  ...grid('resizing', [[5, 6, 3]], { height: [1, 7], width: [4, 12], interpolation: [undefined, 'nearest'] }),
  ...grid('permute', [[4, 5, 6]], {
    dims: [
      [1, 2, 3],
      [3, 1, 2],
      [2, 1, 3],
      [1, 2],
      [1, 1, 2],
    ],
  }),
  ...grid('permute', [[4, 5]], { dims: [[2, 1]] }),
  ...grid('repeat_vector', [[7], [3]], { n: [1, 4] }),
  ...grid('embedding', [[10], [4, 5], [null]], { vocab: [50, 1000], dim: [1, 16] }),
];

export const sequenceCases: OracleCase[] = [
  ...['simple_rnn', 'lstm'].flatMap((k) =>
    grid(
      k,
      [
        [7, 3],
        [1, 5],
        [null, 4],
      ],
      {
        units: [1, 8],
        return_sequences: [undefined, true],
        bidirectional: [undefined, true],
        bias: biases,
      },
    ),
  ),
  ...['simple_rnn', 'lstm'].flatMap((k) =>
    grid(k, [[6, 3]], { merge_mode: ['sum', 'mul', 'ave', 'concat'] }, { units: 4, bidirectional: true, return_sequences: true }),
  ),
  ...grid('lstm', [[6, 3]], { activation: ['relu', 'sigmoid'] }, { units: 4 }),
  // tfjs's GRU implements only reset_after: false; the default (true) is checked against PyTorch.
  ...grid(
    'gru',
    [
      [7, 3],
      [1, 5],
      [null, 4],
    ],
    { units: [1, 8], return_sequences: [undefined, true], bidirectional: [undefined, true], bias: biases },
    { reset_after: false },
  ),
];
