// Backend selection: automatic choice, overrides by option and STRIDE_BACKEND, and clear errors.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../train/node/backends/select';
import { tfjsNodeInstalled } from './helpers';

/** Collects warnings instead of printing them. */
function warnings(): { warn: (m: string) => void; seen: string[] } {
  const seen: string[] = [];
  return { warn: (m) => seen.push(m), seen };
}

describe('selectBackend', () => {
  test('auto picks tfjs-node when installed, else wasm with the Stride kernels', async () => {
    const w = warnings();
    const chosen = await selectBackend({ env: {}, warn: w.warn });
    assert.equal(chosen.name, tfjsNodeInstalled() ? 'tensorflow' : 'wasm');
    assert.equal(tf.getBackend(), chosen.name);
    if (chosen.name === 'wasm') assert.match(chosen.description, /^wasm \(SIMD, 1 thread, \d+ Stride kernels\)$/);
    assert.deepEqual(w.seen, []);
  });

  test('STRIDE_BACKEND=cpu selects cpu and warns that it is slow', async () => {
    const w = warnings();
    const chosen = await selectBackend({ env: { STRIDE_BACKEND: 'cpu' }, warn: w.warn });
    assert.equal(chosen.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal(w.seen.length, 1);
    assert.match(w.seen[0], /cpu backend.*slower/);
  });

  test('the option overrides the environment, case and blanks ignored', async () => {
    const chosen = await selectBackend({ backend: 'wasm', env: { STRIDE_BACKEND: 'cpu' } });
    assert.equal(chosen.name, 'wasm');
    const fromEnv = await selectBackend({ env: { STRIDE_BACKEND: ' WASM ' } });
    assert.equal(fromEnv.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
  });

  test('an unknown name is an error that lists the choices', async () => {
    await assert.rejects(selectBackend({ env: { STRIDE_BACKEND: 'webgpu' } }), /Unknown backend "webgpu": expected one of auto, tensorflow, wasm, cpu/);
  });

  test('a forced backend that cannot load is an error, not a silent fallback', { skip: tfjsNodeInstalled() }, async () => {
    await assert.rejects(selectBackend({ backend: 'tensorflow' }), /"tensorflow" was requested but could not be loaded/);
  });
});
