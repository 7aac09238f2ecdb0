// Runs one Stride layer through the tfjs training builder and the same computation in PyTorch, on the same
// seeded inputs and weights, and reports the largest difference per case.

import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { buildModel } from '../../train/model-builder';
import { lowered } from '../helpers/training';

export const PYTHON = '/usr/bin/python3';
export const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

export interface TorchCase {
  readonly name: string;
  /** One input shape, channels-last, batch excluded. */
  readonly input: number[];
  /** Model body lines after the input (the input is named `x`). */
  readonly stmt: string;
  /** PyTorch expression over `x` (channels-last input, batch of 2) and `w` (the tfjs weights, in order). */
  readonly torch: string;
  /** Inputs are uniform in [−range, range] (1 by default), wide enough to cross an activation's kinks. */
  readonly range?: number;
}

/** `x` moved to channels-first, and an expression moved back to channels-last, for a tensor of `rank` spatial axes. */
export const CF = (rank: number, x = 'x') => `${x}.permute(0, ${rank + 1}, ${Array.from({ length: rank }, (_, i) => i + 1).join(', ')})`;
export const CL = (rank: number, e: string) => `(${e}).permute(0, ${Array.from({ length: rank }, (_, i) => i + 2).join(', ')}, 1)`;

const SCRIPT = `
import json, sys, torch
import torch.nn.functional as F
torch.set_default_dtype(torch.float64)
out = []
for case in json.load(sys.stdin):
    x = torch.tensor(case['x']).reshape(case['shape'])
    w = [torch.tensor(v['values']).reshape(v['shape']) for v in case['weights']]
    y = eval(case['torch'])
    want = torch.tensor(case['y']).reshape(case['yshape'])
    out.append(float((y - want).abs().max()) if list(y.shape) == list(want.shape) else 'shape %s vs %s' % (list(y.shape), list(want.shape)))
print(json.dumps(out))
`;

/** The model on a seeded random batch of 2 with seeded random weights: everything PyTorch needs to recompute it. */
function record(c: TorchCase) {
  const source = `model M {\n  x = input(${c.input.join(', ')})\n  ${c.stmt}\n}\n`;
  const analysis = analyze(source);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${c.name}: ${errors.map((e) => e.message).join(' ')}`);
  const model = buildModel(lowered(analysis.models[0]), { seed: 1 });
  const weights = model.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.5, 0.5, 'float32', 10 + i));
  model.setWeights(weights);
  const x = tf.randomUniform([2, ...c.input], -(c.range ?? 1), c.range ?? 1, 'float32', 3);
  const y = model.predict(x) as tf.Tensor;
  const out = {
    torch: c.torch,
    x: Array.from(x.dataSync()),
    shape: x.shape,
    y: Array.from(y.dataSync()),
    yshape: y.shape,
    weights: weights.map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) })),
  };
  tf.dispose([x, y, ...weights]);
  model.dispose();
  return out;
}

/** Each case's largest absolute difference from PyTorch (or a shape mismatch, as text). */
export function compareWithTorch(cases: readonly TorchCase[]): { name: string; diff: number | string }[] {
  const records = cases.map(record);
  const run = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(records), encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(run.stderr);
  const diffs: (number | string)[] = JSON.parse(run.stdout);
  return cases.map((c, i) => ({ name: c.name, diff: diffs[i] }));
}

/** The cases that differ from PyTorch by more than `tolerance`, for an assertion that lists them all. */
export function mismatches(cases: readonly TorchCase[], tolerance = 1e-4): { name: string; diff: number | string }[] {
  return compareWithTorch(cases).filter((d) => !(typeof d.diff === 'number' && d.diff <= tolerance));
}
