// stride.training.backend in the bundled training page (real Chromium): WebGPU where the page has an adapter, else a
// fallback to WebGL named with its reason; WebGL and cpu when asked; and a run that trains on the backend chosen.

import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BackendChoice } from '../../protocol/training';
import { openTrainingPage, type TrainingPage, trainingOf } from './page';

const TINY = `model Tiny {
  input(8, 8, 1)
  conv2d(4, 3, padding: same, activation: relu)
  flatten()
  dense(4, activation: softmax)
}
train Tiny { data: shapes(count: 64)  epochs: 1  batch: 16 }
`;

let t: TrainingPage;
before(async () => {
  t = await openTrainingPage();
  await t.waitForMessage('ready');
});
after(async () => {
  await t?.close();
});

const inUse = () => t.page.evaluate(() => (globalThis as unknown as { strideTraining: { tf: { getBackend(): string } } }).strideTraining.tf.getBackend());
const note = () => t.page.locator('#backend').innerText();

/** The page loads the model with the given preference; resolves once the backend note names `name`. */
async function load(backend: BackendChoice, name: string): Promise<void> {
  await t.send({
    type: 'init',
    uri: 'file:///ws/tiny.stride',
    model: 'Tiny',
    training: trainingOf(TINY, 'Tiny'),
    saved: null,
    checkpoint: null,
    autoStart: false,
    backend,
  });
  await t.page.locator('#backend', { hasText: `Backend: ${name}` }).waitFor({ timeout: 60_000 });
}

/** Whether this Chromium offers a WebGPU adapter (headless ones here usually do not). */
function hasAdapter(): Promise<boolean> {
  return t.page.evaluate(async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return !!(gpu && (await gpu.requestAdapter()));
  });
}

describe('the training page backend', { timeout: 300_000 }, () => {
  it('auto and webgpu use WebGPU where there is an adapter, else fall back to WebGL and say why', async () => {
    const adapter = await hasAdapter();
    for (const choice of ['webgpu', 'auto'] as const) {
      if (choice === 'auto') await load('cpu', 'cpu'); // a change of preference makes the page choose again
      await load(choice, adapter ? 'webgpu' : 'webgl');
      assert.equal(await inUse(), adapter ? 'webgpu' : 'webgl');
      if (!adapter) assert.match(await note(), /^Backend: webgl.*\(WebGPU is not available in this webview(: no adapter)?\)\.$/);
    }
  });

  it('webgl and cpu are used as asked, with no fallback named', async () => {
    await load('webgl', 'webgl');
    assert.equal(await inUse(), 'webgl');
    assert.doesNotMatch(await note(), /WebGPU/);
    await load('cpu', 'cpu');
    assert.equal(await inUse(), 'cpu');
    assert.match(await note(), /^Backend: cpu \(pure JavaScript\)\.$/);
  });

  it('a run trains on the backend chosen', async () => {
    const adapter = await hasAdapter();
    await load('auto', adapter ? 'webgpu' : 'webgl');
    await t.page.locator('#btn-train:not([disabled])').click();
    const ended = await t.waitForMessage('runEnded');
    assert.equal(ended.reason, 'finished');
    assert.ok(ended.loss !== null && Number.isFinite(ended.loss));
    assert.equal(await inUse(), adapter ? 'webgpu' : 'webgl');
    assert.deepEqual(t.invalid, []);
    assert.deepEqual(t.violations, []);
  });
});
