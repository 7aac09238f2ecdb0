// The reference networks in examples/ have exactly the parameter and MAC counts of their torchvision models, computed at test time.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { runTorch } from './torch-runner';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

/** Example file and model → torchvision constructor. */
const NETWORKS = [
  { file: 'alexnet.stride', model: 'AlexNet', torchvision: 'alexnet' },
  { file: 'vgg16.stride', model: 'VGG16', torchvision: 'vgg16' },
  { file: 'resnet18.stride', model: 'ResNet18', torchvision: 'resnet18' },
  { file: 'resnet50.stride', model: 'ResNet50', torchvision: 'resnet50' },
  { file: 'densenet121.stride', model: 'DenseNet121', torchvision: 'densenet121' },
  { file: 'googlenet.stride', model: 'GoogLeNet', torchvision: 'googlenet' },
  { file: 'mobilenetv2.stride', model: 'MobileNetV2', torchvision: 'mobilenet_v2' },
] as const;

interface Counts {
  readonly trainable: number;
  readonly nonTrainable: number;
  /** Multiply-accumulates of convolutions and linear layers for one 224×224 image, counted by forward hooks. */
  readonly macs: number;
}

describe('reference networks against torchvision', () => {
  const want = runTorch<Record<string, Counts>>(['--torchvision', ...NETWORKS.map((n) => n.torchvision)]);
  for (const net of NETWORKS) {
    test(`${net.file} ${net.model} = torchvision ${net.torchvision}`, () => {
      const analysis = analyze(fs.readFileSync(path.join(EXAMPLES, net.file), 'utf8'));
      assert.deepEqual(
        analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
        [],
      );
      const model = analysis.models.find((m) => m.graph.name === net.model);
      assert.ok(model, `no model ${net.model} in ${net.file}`);
      const got = { trainable: model.totals.trainable, nonTrainable: model.totals.nonTrainable, macs: model.totals.macs };
      assert.deepEqual(got, want[net.torchvision]);
      assert.deepEqual(model.layers[model.layers.length - 1].shape, [1000]);
    });
  }
});
