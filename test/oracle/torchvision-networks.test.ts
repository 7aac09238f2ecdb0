// The reference networks against torchvision, layer by layer and output for output with torchvision's own weights.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { firstUnitMismatch, loadModel, runOracle, strideUnits, type Network, type OracleResult } from './torchvision-harness';

/** Example file and model → torchvision constructor; each must agree in totals, per layer and in its outputs. */
const NETWORKS: readonly Network[] = [{ file: 'alexnet.stride', model: 'AlexNet', torchvision: 'alexnet' }];

/** Outputs agree within this bound (both sides run in float64, so any real difference is far larger). */
const TOLERANCE = 1e-4;

for (const net of NETWORKS) {
  describe(`${net.file} ${net.model} = torchvision ${net.torchvision}`, () => {
    const model = loadModel(net);
    let result: OracleResult | undefined;
    const oracle = (): OracleResult => (result ??= runOracle(net, model));

    test('trainable parameters = torchvision parameters; non-trainable = batch-norm running statistics', () => {
      const { trainable, nonTrainable } = model.totals;
      assert.deepEqual({ trainable, nonTrainable }, oracle().totals);
    });

    test('every layer with parameters matches its torchvision module in forward order, count and MACs', () => {
      const units = strideUnits(model);
      assert.equal(firstUnitMismatch(units, oracle().units), null);
      assert.equal(units.length, oracle().units.length);
    });

    test("with torchvision's weights loaded in order, the exported model computes torchvision's outputs", () => {
      const r = oracle();
      assert.equal(r.load, null);
      assert.ok(r.logitsSpread !== null && r.logitsSpread > 100 * TOLERANCE, `logits spread only ${r.logitsSpread}`);
      assert.ok(r.logitsDiff !== null && r.logitsDiff <= TOLERANCE, `logits differ by ${r.logitsDiff}`);
      assert.ok(r.maxDiff !== null && r.maxDiff <= TOLERANCE, `outputs differ by ${r.maxDiff}`);
    });
  });
}
