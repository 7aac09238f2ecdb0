// The tfjs-layers oracle table: argument grids per layer kind, including odd sizes, tuples and invalid configurations.

import { grid, type OracleCase } from './cases';
import { TFJS_ACTIVATION } from '../../train/layers/common';
import { conv13Cases, moreCases, pool13Cases, sequenceCases } from './tfjs-table-more';

const images = [
  [9, 9, 3],
  [8, 11, 2],
  [3, 3, 4],
  [1, 5, 2],
];
const kernels = [1, 3, [3, 2], [5, 1]];
const strides = [1, 2, [2, 3]];
const paddings = ['valid', 'same'];
const biases = [undefined, false];

export const convCases: OracleCase[] = [
  ...grid('conv2d', images, { kernel: kernels, stride: strides, padding: paddings, dilation: [1, 2, [1, 3]], bias: biases }, { filters: 4 }),
  ...grid('conv2d', [[6, 6, 1]], { filters: [1, 16], activation: ['relu', 'softmax'] }, { kernel: 3 }),
  // tfjs runs depthwise convolutions without dilation, so dilation is checked by the PyTorch oracle.
  ...grid('depthwise_conv2d', images, { kernel: kernels, stride: strides, padding: paddings, depth_multiplier: [undefined, 2], bias: biases }),
  ...grid(
    'separable_conv2d',
    images,
    { kernel: kernels, stride: [1, 2], padding: paddings, depth_multiplier: [undefined, 3], dilation: [1, 2], bias: biases },
    { filters: 5 },
  ),
  ...grid('conv2d_transpose', images, { kernel: kernels, stride: strides, padding: paddings, bias: biases }, { filters: 3 }),
];

const pools = [1, 2, 3, [2, 3]];
export const poolCases: OracleCase[] = [
  ...['maxpool2d', 'avgpool2d'].flatMap((k) => grid(k, images, { pool: pools, stride: [undefined, 1, 2, [1, 2]], padding: paddings })),
  ...['globalavgpool2d', 'globalmaxpool2d'].flatMap((k) => grid(k, [...images, [null, null, 7]], {})),
];

export const coreCases: OracleCase[] = [
  ...grid('batchnorm', [[5, 5, 3], [7], [4, 6]], { center: [true, false], scale: [true, false], axis: [-1, 1] }),
  ...grid('dropout', [[5, 5, 3], [7]], { rate: [0, 0.5] }),
  ...grid('flatten', [[5, 5, 3], [7], [2, 3, 4, 5]], {}),
  ...grid('reshape', [[4, 6, 2]], { shape: [[48], [6, 8], [-1, 4], [2, -1, 3], [5, 10], [-1, 5], [-1, -1]] }),
  ...grid('dense', [[7], [4, 6], [3]], { units: [1, 10], bias: biases, activation: [undefined, 'softmax'] }),
  ...grid('activation', [[4, 5]], { fn: Object.keys(TFJS_ACTIVATION) }),
  ...['relu', 'relu6', 'sigmoid', 'hard_sigmoid', 'tanh', 'softplus', 'selu', 'gelu', 'swish'].flatMap((k) => grid(k, [[4, 5, 3]], {})),
  ...grid('leaky_relu', [[4, 5, 3]], { alpha: [undefined, 0.1] }),
  // tfjs supports neither a non-default ELU alpha nor softmax over another axis; PyTorch checks those.
  ...grid('elu', [[4, 5, 3]], {}),
  ...grid('softmax', [[4, 5, 3]], { axis: [undefined, -1, 3] }),
];

const pair = (a: (number | null)[], b: (number | null)[]) => [a, b];
export const mergeCases: OracleCase[] = [
  ...grid(
    'add',
    [
      pair([4, 4, 3], [4, 4, 3]),
      pair([4, 4, 3], [4, 4, 5]),
      pair([8], [8]),
      pair([4, 4, 3], [2, 2, 3]),
      [
        [3, 3],
        [3, 3],
        [3, 3],
      ],
    ],
    {},
  ),
  // tfjs reads every negative concat axis as the last one (Keras does not), so other negative axes go to PyTorch.
  ...grid('concat', [pair([4, 4, 3], [4, 4, 5]), pair([4, 4, 3], [2, 4, 3]), pair([4, 4, 3], [4, 2, 3]), pair([5], [6])], { axis: [undefined, 1, 2, 3, -1] }),
];

export const spatialCases: OracleCase[] = [
  ...grid('zeropad2d', [[5, 6, 3]], { padding: [undefined, 0, 2, [1, 2], [0, 1, 2, 3]] }),
  ...grid('upsample2d', [[5, 6, 3]], { size: [undefined, 3, [2, 3]], interpolation: [undefined, 'bilinear'] }),
];

export const tfjsCases: OracleCase[] = [
  ...convCases,
  ...poolCases,
  ...coreCases,
  ...mergeCases,
  ...spatialCases,
  ...conv13Cases,
  ...pool13Cases,
  ...moreCases,
  ...sequenceCases,
];
