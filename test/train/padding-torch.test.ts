// Numeric and per-side padding in training: the tfjs model's forward pass equals PyTorch's on the same weights.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { useCpu } from './helpers';
import { CF, CL, hasTorch, mismatches, type TorchCase } from './torch-compare';

const K2 = 'w[0].permute(3, 2, 0, 1)';
const CASES: TorchCase[] = [
  {
    name: 'conv2d padding 1, stride 2',
    input: [7, 8, 3],
    stmt: 'conv2d(4, 3, stride: 2, padding: 1)',
    torch: CL(2, `F.conv2d(${CF(2)}, ${K2}, w[1], stride=2, padding=1)`),
  },
  { name: 'conv2d padding (1, 2)', input: [6, 6, 2], stmt: 'conv2d(3, 3, padding: (1, 2))', torch: CL(2, `F.conv2d(${CF(2)}, ${K2}, w[1], padding=(1, 2))`) },
  {
    name: 'conv2d per side',
    input: [6, 7, 2],
    stmt: 'conv2d(3, 3, stride: 2, padding: (0, 1, 2, 1))',
    torch: CL(2, `F.conv2d(F.pad(${CF(2)}, (2, 1, 0, 1)), ${K2}, w[1], stride=2)`),
  },
  { name: 'conv1d padding 2', input: [9, 3], stmt: 'conv1d(2, 5, padding: 2)', torch: CL(1, `F.conv1d(${CF(1)}, w[0].permute(2, 1, 0), w[1], padding=2)`) },
  {
    name: 'conv3d padding 1',
    input: [4, 5, 4, 2],
    stmt: 'conv3d(3, 3, padding: 1)',
    torch: CL(3, `F.conv3d(${CF(3)}, w[0].permute(4, 3, 0, 1, 2), w[1], padding=1)`),
  },
  {
    name: 'grouped conv2d padding 1',
    input: [6, 6, 4],
    stmt: 'conv2d(6, 3, groups: 2, padding: 1)',
    torch: CL(2, `F.conv2d(${CF(2)}, ${K2}, w[1], padding=1, groups=2)`),
  },
  {
    name: 'depthwise conv2d padding 1, stride 2',
    input: [8, 8, 3],
    stmt: 'depthwise_conv2d(3, stride: 2, padding: 1, bias: false)',
    torch: CL(2, `F.conv2d(${CF(2)}, w[0].permute(2, 3, 0, 1), stride=2, padding=1, groups=3)`),
  },
  {
    name: 'separable conv2d padding 1',
    input: [6, 6, 2],
    stmt: 'separable_conv2d(4, 3, padding: 1)',
    torch: CL(2, `F.conv2d(F.conv2d(${CF(2)}, w[0].permute(2, 3, 0, 1), padding=1, groups=2), w[1].permute(3, 2, 0, 1), w[2])`),
  },
  {
    name: 'conv2d_transpose padding 1, stride 2',
    input: [4, 5, 3],
    stmt: 'conv2d_transpose(2, 4, stride: 2, padding: 1)',
    torch: CL(2, `F.conv_transpose2d(${CF(2)}, w[0].permute(3, 2, 0, 1), w[1], stride=2, padding=1)`),
  },
  {
    name: 'conv2d_transpose kernel below stride, padding 1',
    input: [4, 4, 2],
    stmt: 'conv2d_transpose(2, 2, stride: 3, padding: 1)',
    torch: CL(2, `F.conv_transpose2d(${CF(2)}, w[0].permute(3, 2, 0, 1), w[1], stride=3, padding=1)`),
  },
  { name: 'maxpool2d padding 1', input: [7, 7, 2], stmt: 'maxpool2d(3, stride: 2, padding: 1)', torch: CL(2, `F.max_pool2d(${CF(2)}, 3, 2, padding=1)`) },
  {
    name: 'maxpool2d padding 1, ceil mode',
    input: [8, 7, 2],
    stmt: 'maxpool2d(3, stride: 2, padding: 1, ceil_mode: true)',
    torch: CL(2, `F.max_pool2d(${CF(2)}, 3, 2, padding=1, ceil_mode=True)`),
  },
  {
    name: 'avgpool2d padding 1 (counted)',
    input: [7, 6, 2],
    stmt: 'avgpool2d(3, stride: 2, padding: 1)',
    torch: CL(2, `F.avg_pool2d(${CF(2)}, 3, 2, padding=1)`),
  },
  {
    name: 'avgpool2d padding 1, not counted',
    input: [7, 6, 2],
    stmt: 'avgpool2d(3, stride: 2, padding: 1, count_include_pad: false)',
    torch: CL(2, `F.avg_pool2d(${CF(2)}, 3, 2, padding=1, count_include_pad=False)`),
  },
  {
    name: 'avgpool2d padding 1, ceil mode',
    input: [8, 7, 2],
    stmt: 'avgpool2d(3, stride: 2, padding: 1, ceil_mode: true)',
    torch: CL(2, `F.avg_pool2d(${CF(2)}, 3, 2, padding=1, ceil_mode=True)`),
  },
  {
    name: 'avgpool2d per side',
    input: [6, 6, 2],
    stmt: 'avgpool2d(2, padding: (0, 1, 1, 0))',
    torch: CL(2, `F.avg_pool2d(F.pad(${CF(2)}, (1, 0, 0, 1)), 2)`),
  },
  {
    name: 'lppool2d padding 1 (zeros add nothing)',
    input: [6, 7, 2],
    stmt: 'lppool2d(3, stride: 2, p: 2, padding: 1)',
    torch: CL(2, `F.lp_pool2d(F.pad(${CF(2)}, (1, 1, 1, 1)), 2, 3, 2)`),
  },
  { name: 'maxpool1d padding 1', input: [9, 2], stmt: 'maxpool1d(3, stride: 2, padding: 1)', torch: CL(1, `F.max_pool1d(${CF(1)}, 3, 2, padding=1)`) },
  { name: 'avgpool3d padding 1', input: [4, 5, 4, 2], stmt: 'avgpool3d(3, stride: 2, padding: 1)', torch: CL(3, `F.avg_pool3d(${CF(3)}, 3, 2, padding=1)`) },
  {
    name: 'avgpool2d same, counted',
    input: [7, 7, 2],
    stmt: 'avgpool2d(2, stride: 2, padding: same, count_include_pad: true)',
    torch: CL(2, `F.avg_pool2d(F.pad(${CF(2)}, (0, 1, 0, 1)), 2, 2)`),
  },
];

describe('numeric padding in training against PyTorch', () => {
  before(useCpu);
  test('every convolution and pooling case matches within 1e-4', { skip: !hasTorch && 'PyTorch (Debian python3-torch) is not installed' }, () => {
    assert.deepEqual(mismatches(CASES), []);
  });
});
