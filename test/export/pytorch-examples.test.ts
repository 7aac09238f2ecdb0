// Every example network that exports: its PyTorch module with the state_dict from Stride's weights (safetensors,
// loaded strictly) computes what tfjs computes, and every forward variable has the shape Stride infers.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { useTrainingBackend } from '../train/helpers';
import { checkInTorch, NO_TORCH } from './torch-harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The three whose check takes 30 s to minutes (U-Net at 572×572, VGG-16's and AlexNet's 60–140 M weights); the others take seconds. */
const SLOW = new Set(['unet', 'vgg16', 'alexnet']);
const ALL = process.env.STRIDE_EXPORT_ALL === '1';

describe('every example network in real PyTorch with Stride weights', () => {
  before(useTrainingBackend);
  const files = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.stride') && f !== 'diagnostics.stride');
  for (const file of files) {
    const name = file.replace(/\.stride$/, '');
    const skip = NO_TORCH || (SLOW.has(name) && !ALL && 'a large network (up to minutes of tfjs on a CPU): run with STRIDE_EXPORT_ALL=1');
    test(name, { skip }, () => {
      const analysis = analyze(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
      for (const model of analysis.models) {
        // Seeded initial kernels keep deep activations in range; log-probabilities of the logits export keep
        // differences at the logits' scale, where a 1000-way softmax would hide them.
        const check = checkInTorch(model, { batch: 1, logits: true, log: true, weights: 'initial' });
        assert.ok(typeof check !== 'string', `${model.graph.name}: ${String(check)}`);
        assert.ok(check.diff <= 1e-4, `${model.graph.name}: max abs diff ${check.diff}`);
        assert.ok(check.checked >= model.layers.length / 2, `${model.graph.name}: shapes checked ${check.checked} of ${model.layers.length}`);
      }
    });
  }
});
