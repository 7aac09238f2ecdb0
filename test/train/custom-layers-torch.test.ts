// Stride's own tfjs layers and its recurrent settings (ceil-mode and Lp pooling, norms, GRU/LSTM, attention, grouped and dilated convs) against PyTorch.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { buildModel } from '../../train/model-builder';
import { lowered } from '../helpers/training';
import { useCpu } from './helpers';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

interface Case {
  readonly name: string;
  readonly input: number[];
  readonly stmt: string;
  /** PyTorch expression over `x` (channels-last input tensor) and `w` (the tfjs weights, in order). */
  readonly torch: string;
  readonly positive?: boolean;
}

const CF = (rank: number) => `x.permute(0, ${rank + 1}, ${Array.from({ length: rank }, (_, i) => i + 1).join(', ')})`;
const CL = (rank: number, e: string) => `(${e}).permute(0, ${Array.from({ length: rank }, (_, i) => i + 2).join(', ')}, 1)`;

const CASES: Case[] = [
  {
    name: 'lppool1d ceil',
    input: [9, 2],
    stmt: 'lppool1d(p: 2, pool: 3, stride: 2, ceil_mode: true)',
    torch: CL(1, `F.lp_pool1d(${CF(1)}, 2, 3, 2, ceil_mode=True)`),
    positive: true,
  },
  { name: 'lppool2d p=3', input: [6, 5, 2], stmt: 'lppool2d(p: 3, pool: 2)', torch: CL(2, `F.lp_pool2d(${CF(2)}, 3, 2)`), positive: true },
  { name: 'maxpool2d ceil', input: [8, 7, 2], stmt: 'maxpool2d(3, stride: 2, ceil_mode: true)', torch: CL(2, `F.max_pool2d(${CF(2)}, 3, 2, ceil_mode=True)`) },
  { name: 'avgpool2d ceil', input: [8, 7, 2], stmt: 'avgpool2d(3, stride: 2, ceil_mode: true)', torch: CL(2, `F.avg_pool2d(${CF(2)}, 3, 2, ceil_mode=True)`) },
  { name: 'avgpool1d ceil', input: [7, 3], stmt: 'avgpool1d(2, ceil_mode: true)', torch: CL(1, `F.avg_pool1d(${CF(1)}, 2, ceil_mode=True)`) },
  { name: 'maxpool3d ceil', input: [5, 4, 5, 2], stmt: 'maxpool3d(2, ceil_mode: true)', torch: CL(3, `F.max_pool3d(${CF(3)}, 2, ceil_mode=True)`) },
  { name: 'groupnorm', input: [3, 3, 4], stmt: 'groupnorm(groups: 2)', torch: CL(2, `F.group_norm(${CF(2)}, 2, w[0], w[1], eps=1e-3)`) },
  {
    name: 'lrn',
    input: [4, 4, 5],
    stmt: 'lrn(size: 3, alpha: 0.5, beta: 0.75, k: 1)',
    torch: CL(2, `F.local_response_norm(${CF(2)}, 3, alpha=0.5, beta=0.75, k=1.0)`),
  },
  { name: 'softmax axis 1', input: [4, 7], stmt: 'softmax(axis: 1)', torch: 'F.softmax(x, dim=1)' },
  {
    name: 'resizing bilinear',
    input: [8, 9, 3],
    stmt: 'resizing(5, 12)',
    torch: CL(2, `F.interpolate(${CF(2)}, size=(5, 12), mode='bilinear', align_corners=False)`),
  },
  {
    name: 'resizing nearest',
    input: [8, 9, 3],
    stmt: 'resizing(16, 4, interpolation: nearest)',
    torch: CL(2, `F.interpolate(${CF(2)}, size=(16, 4), mode='nearest-exact')`),
  },
  { name: 'hard_swish', input: [12], stmt: 'hard_swish()', torch: 'F.hardswish(x * 4)' },
  { name: 'hard_tanh', input: [12], stmt: 'hard_tanh()', torch: 'F.hardtanh(x * 4)' },
  { name: 'elu alpha', input: [12], stmt: 'elu(alpha: 0.5)', torch: 'F.elu(x * 4, alpha=0.5)' },
  {
    name: 'grouped conv2d',
    input: [6, 6, 4],
    stmt: 'conv2d(6, 3, groups: 2, padding: same)',
    torch: CL(2, `F.conv2d(${CF(2)}, w[0].permute(3, 2, 0, 1), w[1], padding=1, groups=2)`),
  },
  {
    name: 'grouped causal conv1d',
    input: [7, 4],
    stmt: 'conv1d(4, 3, groups: 2, padding: causal, dilation: 2)',
    torch: CL(1, `F.conv1d(F.pad(${CF(1)}, (4, 0)), w[0].permute(2, 1, 0), w[1], dilation=2, groups=2)`),
  },
  {
    name: 'dilated conv2d',
    input: [9, 9, 3],
    stmt: 'conv2d(4, 3, dilation: 2)',
    torch: CL(2, `F.conv2d(${CF(2)}, w[0].permute(3, 2, 0, 1), w[1], dilation=2)`),
  },
  {
    name: 'dilated depthwise conv2d',
    input: [9, 9, 3],
    stmt: 'depthwise_conv2d(3, dilation: 2, depth_multiplier: 2, padding: same)',
    torch: CL(2, `F.conv2d(${CF(2)}, w[0].permute(3, 2, 0, 1), w[1], dilation=2, padding=2, groups=3)`),
  },
  {
    name: 'dilated conv1d, same padding',
    input: [10, 4],
    stmt: 'conv1d(3, 3, dilation: 2, padding: same)',
    torch: CL(1, `F.conv1d(${CF(1)}, w[0].permute(2, 1, 0), w[1], dilation=2, padding=2)`),
  },
  { name: 'gru reset_after', input: [5, 3], stmt: 'gru(4, return_sequences: true)', torch: 'gru(x, w, 4, False)' },
  {
    name: 'bidirectional gru',
    input: [5, 3],
    stmt: 'gru(4, bidirectional: true)',
    torch: 'torch.cat([gru(x, w[:3], 4, False)[:, -1], gru(x, w[3:], 4, False, True)[:, 0]], -1)',
  },
  { name: 'lstm', input: [5, 3], stmt: 'lstm(4, return_sequences: true)', torch: 'lstm(x, w, 4)' },
  {
    name: 'bidirectional lstm, summed',
    input: [5, 3],
    stmt: 'lstm(4, bidirectional: true, merge_mode: sum)',
    torch: 'lstm(x, w[:3], 4)[:, -1] + lstm(x.flip([1]), w[3:], 4)[:, -1]',
  },
  { name: 'multihead attention', input: [5, 8], stmt: 'multihead_attention(2, 4)', torch: 'mha(x, w, 2)' },
];

const SCRIPT = `
import json, sys, torch
import torch.nn.functional as F
torch.set_default_dtype(torch.float64)
def gru(x, w, u, bidirectional, backward=False):
    g = torch.nn.GRU(x.shape[-1], u, batch_first=True)
    k, r, b = w[0], w[1], w[2]
    order = lambda m: torch.cat([m[:, u:2*u], m[:, :u], m[:, 2*u:]], 1).t()  # Keras z, r, h -> PyTorch r, z, n
    with torch.no_grad():
        g.weight_ih_l0.copy_(order(k)); g.weight_hh_l0.copy_(order(r))
        g.bias_ih_l0.copy_(order(b[0:1]).squeeze(1)); g.bias_hh_l0.copy_(order(b[1:2]).squeeze(1))
    g = g.double()
    if backward:
        return g(torch.flip(x, [1]))[0].flip([1])
    return g(x)[0]
def lstm(x, w, u):
    m = torch.nn.LSTM(x.shape[-1], u, batch_first=True).double()
    with torch.no_grad():
        m.weight_ih_l0.copy_(w[0].t()); m.weight_hh_l0.copy_(w[1].t())
        m.bias_ih_l0.copy_(w[2]); m.bias_hh_l0.zero_()
    return m(x)[0]
def mha(x, w, heads):
    d = x.shape[-1]
    m = torch.nn.MultiheadAttention(d, heads, batch_first=True).double()
    with torch.no_grad():
        m.in_proj_weight.copy_(torch.cat([w[0].t(), w[2].t(), w[4].t()], 0))
        m.in_proj_bias.copy_(torch.cat([w[1], w[3], w[5]]))
        m.out_proj.weight.copy_(w[6].t()); m.out_proj.bias.copy_(w[7])
    return m(x, x, x, need_weights=False)[0]
out = []
for case in json.load(sys.stdin):
    x = torch.tensor(case['x']).reshape(case['shape'])
    w = [torch.tensor(v['values']).reshape(v['shape']) for v in case['weights']]
    y = eval(case['torch'])
    want = torch.tensor(case['y']).reshape(y.shape)
    out.append(float((y - want).abs().max()))
print(json.dumps(out))
`;

/** The layer on a seeded random batch of 2, with seeded random weights; everything PyTorch needs to recompute it. */
function runCase(c: Case) {
  const model = buildModel(lowered(analyze(`model M {\n  input(${c.input.join(', ')})\n  ${c.stmt}\n}\n`).models[0]), { seed: 1 });
  const weights = model.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.5, 0.5, 'float32', 10 + i));
  model.setWeights(weights);
  const x = tf.randomUniform([2, ...c.input], c.positive ? 0.1 : -1, 1, 'float32', 3);
  const scaled = /hard_|elu/.test(c.stmt) ? tf.mul(x, 4) : x;
  const y = model.predict(scaled) as tf.Tensor;
  const record = {
    torch: c.torch,
    x: Array.from(x.dataSync()),
    shape: x.shape,
    y: Array.from(y.dataSync()),
    weights: weights.map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) })),
  };
  tf.dispose([x, scaled, y, ...weights]);
  model.dispose();
  return record;
}

describe('custom layers against PyTorch', () => {
  before(useCpu);
  test('every case matches within 1e-4', { skip: !hasTorch && 'PyTorch (Debian python3-torch) is not installed' }, () => {
    const records = CASES.map(runCase);
    const run = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(records), encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    const diffs: number[] = JSON.parse(run.stdout);
    const bad = CASES.map((c, i) => ({ name: c.name, diff: diffs[i] })).filter((d) => !(d.diff < 1e-4));
    assert.deepEqual(bad, []);
  });
});
