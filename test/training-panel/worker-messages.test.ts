// The background worker's message validators: each kind accepted in its valid form, malformed ones refused with a reason.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../core/analyze';
import { checkFromWorker, checkToWorker } from '../../protocol/train-worker';
import { lowered } from '../helpers/training';

const start = () => ({
  training: JSON.parse(JSON.stringify(lowered(analyze('model A {\n  input(4)\n  dense(2)\n}\n').models[0]))) as unknown,
  file: '/w/a.stride',
  model: 'A',
  outDir: '/w/a.runs/A',
  panelDir: '/w/a.weights/A',
  epochs: 2,
  batch: null,
  limit: 100,
  backend: 'auto',
  threads: 2,
  cacheDir: null,
});
const batch = () => ({ epoch: 1, epochs: 2, batch: 4, batches: 7, loss: 1.2, accuracy: 0.5, samplesPerSecond: 900, etaSeconds: 3, lr: 0.001 });
const epoch = () => ({ epoch: 2, epochs: 2, loss: 0.4, accuracy: 0.9, valLoss: 0.5, valAccuracy: 0.85, seconds: 1.5, samplesPerSecond: 1200 });
const summary = () => ({
  status: 'completed',
  reason: null,
  model: 'A',
  backend: 'wasm (SIMD, 1 thread)',
  final: epoch(),
  epochsDone: 2,
  weightsDir: '/w/a.runs/A/weights',
  panelDir: '/w/a.weights/A',
  metricsLog: '/w/a.runs/A/metrics.jsonl',
});

const validToWorker: unknown[] = [
  { type: 'start', options: start() },
  { type: 'start', options: { ...start(), panelDir: null, epochs: null, limit: null, backend: 'cpu', threads: null, cacheDir: '/c' } },
  { type: 'stop' },
  { type: 'pause' },
  { type: 'resume' },
];

const validFromWorker: unknown[] = [
  { type: 'backend', description: 'wasm (SIMD, 1 thread, 11 Stride kernels)' },
  { type: 'data', name: 'shapes', samples: 200, classes: ['circle', 'square'] },
  { type: 'status', message: 'Downloading train-images: 40%' },
  { type: 'warning', message: 'slow backend' },
  { type: 'batch', progress: batch() },
  { type: 'epoch', progress: epoch() },
  { type: 'epoch', progress: { ...epoch(), accuracy: null, valLoss: null, valAccuracy: null } },
  { type: 'saved', dir: '/w/a.weights/A' },
  { type: 'done', result: summary() },
  { type: 'done', result: { ...summary(), status: 'diverged', reason: 'loss is NaN', final: null, weightsDir: null, panelDir: null } },
  { type: 'error', message: 'The source has 1 error' },
];

describe('background worker messages', () => {
  it('accepts every host → worker message in its valid form', () => {
    for (const m of validToWorker) assert.deepEqual(checkToWorker(m), { ok: true, value: m }, JSON.stringify(m));
  });

  it('accepts every worker → host message in its valid form', () => {
    for (const m of validFromWorker) assert.deepEqual(checkFromWorker(m), { ok: true, value: m }, JSON.stringify(m));
  });

  const refusedToWorker: [string, unknown, RegExp][] = [
    ['not an object', 'stop', /message must be an object/],
    ['an unknown type', { type: 'rm' }, /unknown message type "rm"/],
    ['no options', { type: 'start' }, /options must be an object/],
    ['a relative run folder', { type: 'start', options: { ...start(), outDir: 'runs/A' } }, /'outDir' must be an absolute path/],
    ['a relative panel folder', { type: 'start', options: { ...start(), panelDir: '../x' } }, /'panelDir' must be an absolute path/],
    ['a model name that is a path', { type: 'start', options: { ...start(), model: '../../etc' } }, /'model' must be a model name/],
    ['zero epochs', { type: 'start', options: { ...start(), epochs: 0 } }, /'epochs' must be an integer/],
    ['a fractional limit', { type: 'start', options: { ...start(), limit: 2.5 } }, /'limit' must be an integer/],
    ['zero threads', { type: 'start', options: { ...start(), threads: 0 } }, /'threads' must be an integer in \[1, 64\]/],
    ['a thousand threads', { type: 'start', options: { ...start(), threads: 1000 } }, /'threads' must be an integer in \[1, 64\]/],
    ['an unknown backend', { type: 'start', options: { ...start(), backend: 'webgl' } }, /'backend' must be one of auto, tensorflow, wasm, cpu/],
    ['no training model', { type: 'start', options: { ...start(), training: undefined } }, /training model must be an object/],
    ['source text instead of a training model', { type: 'start', options: { ...start(), training: 'model A {}' } }, /training model must be an object/],
    ['a training model of another model', { type: 'start', options: { ...start(), model: 'B' } }, /'training' is model 'A', not 'B'/],
  ];
  for (const [what, message, error] of refusedToWorker) {
    it(`the worker refuses a message with ${what}`, () => {
      const r = checkToWorker(message);
      assert.equal(r.ok, false);
      assert.match((r as { error: string }).error, error);
    });
  }

  const refusedFromWorker: [string, unknown, RegExp][] = [
    ['an unknown type', { type: 'progress' }, /unknown message type "progress"/],
    ['a batch beyond its epoch', { type: 'batch', progress: { ...batch(), batch: 8 } }, /'batch' must be an integer in \[1, 7\]/],
    ['an infinite loss in a batch', { type: 'batch', progress: { ...batch(), loss: Infinity } }, /'loss' must be a finite number or null/],
    ['an epoch without a loss', { type: 'epoch', progress: { ...epoch(), loss: null } }, /'loss' must be a finite number/],
    ['an unknown outcome', { type: 'done', result: { ...summary(), status: 'finished' } }, /'status' must be one of completed, stopped, diverged/],
    ['a relative weights folder', { type: 'done', result: { ...summary(), weightsDir: 'weights' } }, /'weightsDir' must be an absolute path/],
    ['a relative saved folder', { type: 'saved', dir: 'a.weights' }, /'dir' must be an absolute path/],
    ['classes that are not names', { type: 'data', name: 'x', samples: 1, classes: [1, 2] }, /'classes' must be a list of names/],
  ];
  for (const [what, message, error] of refusedFromWorker) {
    it(`the host refuses a worker message with ${what}`, () => {
      const r = checkFromWorker(message);
      assert.equal(r.ok, false);
      assert.match((r as { error: string }).error, error);
    });
  }
});
