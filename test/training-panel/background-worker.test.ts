// The shipped background trainer (dist/train-worker.js) in a real worker thread: progress, weights every reader accepts, stop, bad input.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { readSavedWeights } from '../../client/training/storage';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import { checkFromWorker, type FromWorker, type RunSummary, type WorkerStart } from '../../protocol/train-worker';
import type { TrainingModel } from '../../protocol/training-model';
import { buildModel } from '../../train/model-builder';
import { predict } from '../../train/node/run';
import { runDir, weightsDir } from '../../train/node/saved-files';
import { restoreWeights } from '../../webview/training/checkpoint';

const ROOT = path.resolve(__dirname, '../../..');
const DIST = path.join(ROOT, 'dist');
// Only these two: the worker copied alone beside them must train, so nothing it loads asks for the threaded binary.
const WASM = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'];

const TEXT = `model Tiny {
  input(16, 16, 1)
  conv2d(8, 5, activation: relu)
  maxpool2d(2)
  flatten()
  dense(4, activation: softmax)
}

train Tiny {
  data: shapes(count: 400)
  epochs: 2
  batch: 32
  validation: 0.2
  seed: 3
}
`;

/** The model as the editor's host lowers it (the language server, from the analysis its diagnostics came from). */
function lower(text: string, file: string): ReturnType<typeof trainingModelFor> {
  return trainingModelFor(analyze(text), { name: 'Tiny' }, file);
}

const LOWERED = lower(TEXT, 'tiny.stride');
if (!LOWERED.ok) throw new Error(LOWERED.error);
const TRAINING: TrainingModel = LOWERED.value;

interface Spawned {
  readonly messages: FromWorker[];
  /** Messages the host's validator refused: must stay empty. */
  readonly invalid: string[];
  post(m: unknown): void;
  /** Resolves with the first message (already received or future) of the type that passes `where`. */
  next<T extends FromWorker['type']>(type: T, where?: (m: Extract<FromWorker, { type: T }>) => boolean): Promise<Extract<FromWorker, { type: T }>>;
  readonly exit: Promise<number>;
}

function spawn(entry: string): Spawned {
  const worker = new Worker(entry);
  const messages: FromWorker[] = [];
  const invalid: string[] = [];
  const waiters: { test: (m: FromWorker) => boolean; resolve: (m: FromWorker) => void }[] = [];
  worker.on('message', (raw: unknown) => {
    const checked = checkFromWorker(raw);
    if (!checked.ok) return void invalid.push(`${checked.error}: ${JSON.stringify(raw).slice(0, 300)}`);
    messages.push(checked.value);
    for (const w of waiters.splice(0)) w.test(checked.value) ? w.resolve(checked.value) : waiters.push(w);
  });
  const exit = new Promise<number>((resolve, reject) => {
    worker.on('exit', resolve);
    worker.on('error', reject);
  });
  return {
    messages,
    invalid,
    post: (m) => worker.postMessage(m),
    exit,
    next: (type, where = () => true) => {
      const test = (m: FromWorker) => m.type === type && where(m as never);
      const found = messages.find(test);
      if (found) return Promise.resolve(found as never);
      return new Promise((resolve, reject) => {
        waiters.push({ test, resolve: resolve as (m: FromWorker) => void });
        // A worker that ends without the message fails the wait instead of hanging the test.
        void exit.then(() => reject(new Error(`the worker exited without a '${type}' message; got ${messages.map((m) => m.type).join(', ')}`)), reject);
      });
    },
  };
}

/** The bundle and its wasm binaries alone in a folder with no node_modules above it: what the .vsix ships. */
function isolatedBundle(dir: string): string {
  const bundle = path.join(DIST, 'train-worker.js');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing; run npm run package first`);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['train-worker.js', 'partner-thread.js', ...WASM]) fs.copyFileSync(path.join(DIST, f), path.join(dir, f));
  return path.join(dir, 'train-worker.js');
}

function startOptions(ws: string, over: Partial<WorkerStart> = {}): WorkerStart {
  const file = path.join(ws, 'tiny.stride');
  return {
    training: TRAINING,
    file,
    model: 'Tiny',
    outDir: runDir(file, 'Tiny'),
    panelDir: weightsDir(file, 'Tiny'),
    epochs: null,
    batch: null,
    limit: 200,
    backend: 'auto',
    threads: null,
    cacheDir: null,
    ...over,
  };
}

/** A few fixed inputs, to compare what different loaders compute with the same weights. */
function samples(): { data: Float32Array; count: number } {
  const count = 3;
  return { data: Float32Array.from({ length: count * 16 * 16 }, (_, i) => ((i * 37) % 101) / 100), count };
}

/** The panel's reader, the page's loader and `stride predict` all load the run's weights and compute the same outputs. */
async function checkEveryReaderLoads(o: WorkerStart): Promise<void> {
  // The panel's reader accepts the published copy, and the page's loader puts it into a freshly built model.
  const payload = readSavedWeights(o.panelDir!);
  assert.ok(payload && payload.specs.length === 4, `specs: ${JSON.stringify(payload?.specs.map((s) => s.name))}`);
  const model = buildModel(TRAINING);
  const input = samples();
  let fromPage: number[][];
  try {
    restoreWeights(model, payload);
    const out = model.predict(tf.tensor4d(input.data, [input.count, 16, 16, 1])) as tf.Tensor;
    fromPage = (await out.array()) as number[][];
    out.dispose();
  } finally {
    model.dispose();
  }
  // `stride predict` reads the run folder and the panel's copy alike, and computes what the page computes.
  for (const dir of [o.outDir, o.panelDir!]) {
    const predictions = await predict({ model: TRAINING, weightsDir: dir, samples: input, topK: 4, backend: 'cpu' });
    predictions.forEach((p, i) => {
      assert.deepEqual(p.top.map((t) => t.label).sort(), ['circle', 'cross', 'square', 'triangle']);
      for (const t of p.top) assert.ok(Math.abs(t.probability - fromPage[i][t.index]) < 1e-5, `${dir} sample ${i} class ${t.label}`);
    });
  }
}

let tmp = '';
let entry = '';
before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-bg-worker-'));
  entry = isolatedBundle(path.join(tmp, 'dist'));
  await tf.setBackend('cpu');
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Each batch's learning rate, the per-class results before the end (with the wrong samples' images, for the panel's
 * heat map and gallery), and the same checkpoint `stride train` writes, so `stride train --resume` can continue the run. */
function resultsAndCheckpointSent(messages: readonly FromWorker[], outDir: string): void {
  const batches = messages.flatMap((m) => (m.type === 'batch' ? [m.progress] : []));
  assert.ok(
    batches.every((p) => p.lr === 0.001),
    'each batch carries its learning rate (adam default)',
  );
  const kinds = messages.map((m) => m.type);
  assert.ok(kinds.indexOf('results') >= 0 && kinds.indexOf('results') < kinds.indexOf('done'), kinds.join(', '));
  const results = messages.flatMap((m) => (m.type === 'results' ? [m.results] : []))[0];
  assert.equal(
    results.confusion.flat().reduce((a, b) => a + b, 0),
    40,
    'every held-out sample (the 200 the limit keeps × 0.2) is counted',
  );
  assert.equal(results.gallery.pixels.length, results.wrong.length * 16 * 16);
  assert.ok(fs.existsSync(path.join(outDir, 'checkpoint', 'optimizer.bin')));
}

/** The isolated worker run on `o` to its 'done' message; it must end by itself after it and send only valid messages. */
async function runToEnd(o: WorkerStart) {
  const w = spawn(entry);
  w.post({ type: 'start', options: o });
  const done = await w.next('done');
  assert.equal(await w.exit, 0, 'the thread ends by itself after its last message');
  assert.deepEqual(w.invalid, []);
  const backend = w.messages.find((m) => m.type === 'backend');
  return { w, done, backend: backend && backend.type === 'backend' ? backend.description : '' };
}

describe('background training worker', { timeout: 180_000 }, () => {
  it('trains in a thread on the shipped wasm backend and saves weights the panel, its page and `stride predict` all load', async () => {
    const ws = path.join(tmp, 'complete');
    const o = startOptions(ws);
    const { w, done, backend } = await runToEnd(o);
    // No node_modules next to the isolated bundle: wasm works only if its binaries ship beside it.
    assert.match(backend, /^wasm \(SIMD/);
    const r: RunSummary = done.result;
    assert.equal(r.status, 'completed');
    assert.equal(r.epochsDone, 2);
    assert.ok(r.final && Number.isFinite(r.final.loss) && r.final.valAccuracy !== null, JSON.stringify(r.final));
    const batches = w.messages.flatMap((m) => (m.type === 'batch' ? [m.progress] : []));
    const epochs = w.messages.flatMap((m) => (m.type === 'epoch' ? [m.progress.epoch] : []));
    assert.deepEqual(epochs, [1, 2]);
    // 200 samples less 20% validation at batch 32: 5 batches an epoch; the first and last of each are always reported.
    for (const [e, b] of [
      [1, 1],
      [1, 5],
      [2, 1],
      [2, 5],
    ])
      assert.ok(
        batches.some((p) => p.epoch === e && p.batch === b && p.batches === 5),
        `batch ${b} of epoch ${e}`,
      );
    resultsAndCheckpointSent(w.messages, o.outDir);
    const saved = w.messages.flatMap((m) => (m.type === 'saved' ? [m.dir] : []));
    assert.deepEqual(saved, [path.join(o.outDir, 'weights'), o.panelDir]);
    assert.equal(r.weightsDir, path.join(o.outDir, 'weights'));
    assert.equal(r.panelDir, o.panelDir);
    // The run folder is the one `stride train` and `stride predict` use by default (test/cli/train.test.ts pins the same path).
    assert.equal(o.outDir, path.join(path.dirname(o.file), 'tiny.runs', 'Tiny'));
    const log = fs
      .readFileSync(r.metricsLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).event);
    assert.deepEqual(log, ['start', 'epoch', 'epoch', 'end']);

    await checkEveryReaderLoads(o);
  });
});

describe('background training worker: threads', { timeout: 180_000 }, () => {
  it('trains data-parallel on 2 threads from the shipped bundle, and the weights load', async () => {
    const ws = path.join(tmp, 'threads');
    const o = startOptions(ws, { threads: 2, epochs: 1 });
    const { done, backend } = await runToEnd(o); // the worker ends, so its partner thread did
    assert.match(backend, /^wasm \(SIMD.*; data-parallel on 2 threads$/);
    assert.equal(done.result.status, 'completed');
    assert.ok(done.result.final && Number.isFinite(done.result.final.loss), JSON.stringify(done.result.final));
    const predictions = await predict({ model: TRAINING, weightsDir: o.outDir, samples: samples(), backend: 'cpu' });
    assert.equal(predictions.length, 3);
  });
});

describe('background training worker: stopping', { timeout: 180_000 }, () => {
  it('stops after the current batch when told to, and keeps a valid weights folder', async () => {
    const ws = path.join(tmp, 'stop');
    const o = startOptions(ws, { epochs: 1000 });
    const w = spawn(entry);
    w.post({ type: 'start', options: o });
    await w.next('batch', (m) => m.progress.epoch === 2);
    w.post({ type: 'stop' });
    const done = await w.next('done');
    assert.equal(await w.exit, 0);
    assert.deepEqual(w.invalid, []);
    assert.equal(done.result.status, 'stopped');
    assert.ok(done.result.epochsDone >= 1 && done.result.epochsDone < 10, `epochs done: ${done.result.epochsDone}`);
    const payload = readSavedWeights(o.panelDir!);
    assert.ok(payload, 'the panel copy exists');
    const predictions = await predict({ model: TRAINING, weightsDir: o.outDir, samples: samples(), backend: 'cpu' });
    assert.equal(predictions.length, 3);
    assert.deepEqual(fs.readdirSync(path.dirname(o.panelDir!)), ['Tiny'], 'no temporary or .previous folders are left');
  });
});

describe('background training worker: refusals', { timeout: 180_000 }, () => {
  it('refuses an invalid start message, ignores an invalid control message, and reports an unbuildable model as an error', async () => {
    const ws = path.join(tmp, 'invalid');
    const bad = spawn(entry);
    bad.post({ type: 'start', options: { ...startOptions(ws), outDir: 'relative/run' } });
    const refused = await bad.next('error');
    assert.match(refused.message, /refused its start message: 'outDir' must be an absolute path/);
    assert.equal(await bad.exit, 0);
    assert.ok(!fs.existsSync(ws), 'nothing was written');

    const ok = spawn(entry);
    ok.post({ type: 'start', options: { ...startOptions(ws), epochs: 1 } });
    ok.post({ type: 'explode' });
    ok.post({ type: 'start', options: startOptions(ws) });
    const warnings = [await ok.next('warning', (m) => /invalid message/.test(m.message)), await ok.next('warning', (m) => /second start/.test(m.message))];
    assert.match(warnings[0].message, /unknown message type "explode"/);
    assert.equal((await ok.next('done')).result.status, 'completed', 'the run went on');
    await ok.exit;
    const before = fs.readFileSync(path.join(weightsDir(startOptions(ws).file, 'Tiny'), 'weights.bin'));

    // A layer with errors travels with a null shape: the worker refuses to build it and names the layer.
    const broken = spawn(entry);
    const unbuildable = { ...TRAINING, nodes: TRAINING.nodes.map((n) => (n.kind === 'conv2d' ? { ...n, shape: null } : n)) };
    broken.post({ type: 'start', options: { ...startOptions(ws), training: unbuildable } });
    const error = await broken.next('error');
    assert.match(error.message, /layer 'conv2d_1' \(conv2d\) has errors or an unknown output shape/);
    await broken.exit;
    assert.deepEqual(fs.readFileSync(path.join(weightsDir(startOptions(ws).file, 'Tiny'), 'weights.bin')), before, 'the saved weights are untouched');
  });

  it('refuses a start message whose training model does not validate, before writing anything', async () => {
    const ws = path.join(tmp, 'invalid-model');
    const cases: [unknown, RegExp][] = [
      [{ ...TRAINING, nodes: TRAINING.nodes.map((n, i) => (i === 2 ? { ...n, inputs: [99] } : n)) }, /'inputs' must be a list of node ids below 2/],
      [{ ...TRAINING, settings: { ...TRAINING.settings, validation: 1.5 } }, /'validation' must be a fraction/],
      [{ ...TRAINING, name: 'Other' }, /'training' is model 'Other', not 'Tiny'/],
      ['model Tiny { input(4) }', /training model must be an object/],
    ];
    for (const [training, message] of cases) {
      const w = spawn(entry);
      w.post({ type: 'start', options: { ...startOptions(ws), training } });
      assert.match((await w.next('error')).message, message);
      assert.equal(await w.exit, 0);
    }
    assert.ok(!fs.existsSync(ws), 'nothing was written');
  });

  it('a broken source never reaches the worker: the host refuses it with file:line:column', () => {
    const broken = lower(TEXT.replace('conv2d(8, 5', 'conv2d(8, 5, 7, -9'), path.join(tmp, 'tiny.stride'));
    assert.ok(!broken.ok);
    assert.match(broken.error, /Model 'Tiny' has \d+ errors?; fix (it|them) before training:\n .*tiny\.stride:\d+:\d+:/);
  });
});
