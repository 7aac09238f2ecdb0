// The training panel's message validators: every message kind accepted in its valid form, malformed ones refused with a reason.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFromWebview, checkToWebview } from '../../protocol/training';
import { trainingPageHtml } from '../../protocol/training-page';
import { checkCheckpoint, checkWeights, isSafeModelName } from '../../protocol/training-payloads';
import { decodeBytes, encodeBytes, fromBase64, toBase64 } from '../../protocol/wire-bytes';
import { analyze } from '../../core/analyze';
import { lowered } from '../helpers/training';

const weights = () => ({ specs: [{ name: 'conv/kernel', shape: [3, 3, 1, 2], dtype: 'float32' }], data: new Uint8Array(3 * 3 * 2 * 4) });
const backgroundBatch = () => ({ epoch: 2, epochs: 5, batch: 3, batches: 10, loss: 0.7, accuracy: 0.6, samplesPerSecond: 1800, etaSeconds: 12.5, lr: 0.01 });
/** Two classes, one wrong sample of 2×2 grayscale pixels. */
const results = () => ({
  classes: ['a', 'b'],
  samples: 3,
  accuracy: 2 / 3,
  confusion: [
    [1, 1],
    [0, 1],
  ],
  perClass: ['a', 'b'].map((name) => ({ name, support: 1, precision: 0.5, recall: 1, f1: 0.6, accuracy: 0.7 })),
  wrong: [{ index: 0, label: 0, predicted: 1, confidence: 0.8 }],
  gallery: { shape: [2, 2, 1], pixels: new Uint8Array(4) },
});
const checkpoint = () => ({ model: 'Tiny', epoch: 1, weights: weights(), history: [{ epoch: 1, loss: 1.2, accuracy: 0.4, valLoss: null, valAccuracy: null }] });

/** The training model the host sends with `init`: lowered from the analysis, never text. */
const training = () => JSON.parse(JSON.stringify(lowered(analyze('model A {\n  input(4)\n  dense(2)\n}\n').models[0])));

const validToWebview: unknown[] = [
  { type: 'init', uri: 'file:///a.stride', model: 'A', training: training(), saved: null, checkpoint: null, autoStart: false },
  { type: 'init', uri: 'file:///a.stride', model: 'A', training: training(), saved: weights(), checkpoint: checkpoint(), autoStart: true },
  { type: 'init', uri: 'file:///a.stride', model: 'A', training: training(), saved: null, checkpoint: null, autoStart: false, backend: 'webgpu' },
  { type: 'showActivations', layer: 'conv2d_1' },
  { type: 'showActivations', layer: null },
  { type: 'dataStart', header: { name: 'mnist', shape: [28, 28, 1], classes: ['0', '1'], trainCount: 10, testCount: 0 } },
  { type: 'dataChunk', split: 'train', offset: 0, images: new Uint8Array(4), labels: new Uint8Array(1) },
  { type: 'dataEnd' },
  { type: 'dataError', message: 'offline' },
  { type: 'image', name: 'a.png', shape: [2, 2, 3], pixels: new Uint8Array(12) },
  { type: 'saved', path: 'a.weights/A' },
  { type: 'askImage' },
  { type: 'error', message: 'x' },
  { type: 'backgroundStart', backend: 'wasm (SIMD)', batches: [], history: [], paused: false },
  { type: 'backgroundStart', backend: 'cpu', batches: [backgroundBatch()], history: checkpoint().history, paused: true },
  { type: 'backgroundStart', backend: 'PyTorch (torchrun)', batches: [], history: [], paused: false, canPause: false },
  { type: 'backgroundPaused', paused: true },
  { type: 'backgroundBatch', progress: backgroundBatch() },
  { type: 'backgroundBatch', progress: { ...backgroundBatch(), loss: null, accuracy: null, etaSeconds: null, lr: null } },
  { type: 'backgroundResults', results: results() },
  { type: 'backgroundResults', results: { ...results(), topK: { k: 2, accuracy: 1 } } },
  { type: 'backgroundEpoch', record: { epoch: 2, loss: 0.5, accuracy: 0.8, valLoss: 0.6, valAccuracy: null } },
  { type: 'backgroundEnd', status: 'stopped', message: 'stopped after 2 epochs' },
  { type: 'backgroundEnd', status: 'error', message: 'the worker crashed' },
];

const validFromWebview: unknown[] = [
  { type: 'ready' },
  { type: 'requestData', model: 'A', spec: { kind: 'folder', path: 'images' }, inputShape: [32, 32, 3] },
  { type: 'requestData', model: 'A', spec: { kind: 'mnist' }, inputShape: [28, 28, 1] },
  { type: 'checkpoint', checkpoint: checkpoint() },
  { type: 'saveWeights', model: 'A', topology: '{}', weights: weights(), metadata: { inputShape: [null, 8, 1], classes: ['a'], dataset: 'shapes', epochs: 2 } },
  { type: 'pickImage', shape: [32, 32, 1] },
  { type: 'notify', level: 'warning', message: 'hm' },
  { type: 'prediction', name: 'a.png', top: [{ label: 'circle', probability: 0.9 }] },
  { type: 'runStarted' },
  { type: 'pauseBackground' },
  { type: 'resumeBackground' },
  { type: 'trainWithTorch' },
  { type: 'runEnded', reason: 'nan', epoch: 0, loss: null },
  { type: 'stopBackground' },
];

describe('training messages', () => {
  it('accepts every host message kind in its valid form', () => {
    for (const m of validToWebview) assert.deepEqual(checkToWebview(m), { ok: true, value: m }, JSON.stringify((m as { type: string }).type));
  });

  it('accepts every page message kind in its valid form', () => {
    for (const m of validFromWebview) assert.deepEqual(checkFromWebview(m), { ok: true, value: m }, JSON.stringify((m as { type: string }).type));
  });

  const refused: [string, unknown, RegExp][] = [
    ['not an object', 'init', /message must be an object/],
    ['an array', [], /message must be an object/],
    ['an unknown type', { type: 'rm -rf' }, /unknown message type "rm -rf"/],
    ['a missing field', { type: 'init', uri: 'u', model: 'A', saved: null, checkpoint: null, autoStart: true }, /training model must be an object/],
    [
      'source text instead of a training model',
      { type: 'init', uri: 'u', model: 'A', text: 'model A {}', saved: null, checkpoint: null, autoStart: true },
      /training model must be an object/,
    ],
    [
      'a training model of another model',
      { type: 'init', uri: 'u', model: 'B', training: training(), saved: null, checkpoint: null, autoStart: true },
      /'training' is model 'A', not 'B'/,
    ],
    [
      'a training model with a dangling input',
      { type: 'init', uri: 'u', model: 'A', training: { ...training(), outputs: [7] }, saved: null, checkpoint: null, autoStart: true },
      /'outputs' must be a list of node ids below 2/,
    ],
    ['a wrong field type', { type: 'showActivations', layer: 3 }, /'layer' must be a string/],
    [
      'an unknown backend',
      { type: 'init', uri: 'u', model: 'A', training: training(), saved: null, checkpoint: null, autoStart: true, backend: 'vulkan' },
      /'backend' must be one of auto, webgpu, webgl, cpu/,
    ],
    ['pixels that do not fill the shape', { type: 'image', name: 'a', shape: [2, 2, 1], pixels: new Uint8Array(3) }, /'pixels'/],
    ['pixels as a plain array', { type: 'image', name: 'a', shape: [1, 1, 1], pixels: [0] }, /Uint8Array/],
    ['two channels', { type: 'image', name: 'a', shape: [2, 2, 2], pixels: new Uint8Array(8) }, /1 or 3 channels/],
    ['a negative offset', { type: 'dataChunk', split: 'train', offset: -1, images: new Uint8Array(0), labels: new Uint8Array(0) }, /'offset'/],
    ['a bad split', { type: 'dataChunk', split: 'all', offset: 0, images: new Uint8Array(0), labels: new Uint8Array(0) }, /'split' must be one of train, test/],
  ];
  for (const [what, message, error] of refused) {
    it(`refuses a host message with ${what}`, () => {
      const r = checkToWebview(message);
      assert.equal(r.ok, false);
      assert.match((r as { error: string }).error, error);
    });
  }
});

describe('training messages: payloads and page', () => {
  it('refuses weights whose bytes do not match their specs', () => {
    const w = weights();
    assert.throws(() => checkWeights({ ...w, data: new Uint8Array(5) }), /5 bytes, the specs describe 72/);
    assert.throws(() => checkWeights({ ...w, specs: [{ name: 'k', shape: [2.5], dtype: 'float32' }] }), /shape must be a list of sizes/);
    assert.throws(() => checkWeights({ ...w, specs: [{ name: 'k', shape: [18], dtype: 'float64' }] }), /'dtype' must be one of/);
  });

  it('refuses checkpoints with non-finite losses and page messages with bad levels or data sets', () => {
    const c = checkpoint();
    assert.throws(() => checkCheckpoint({ ...c, history: [{ ...c.history[0], loss: NaN }] }), /'loss' must be a finite number/);
    assert.match((checkFromWebview({ type: 'notify', level: 'fatal', message: 'x' }) as { error: string }).error, /'level'/);
    assert.match(
      (checkFromWebview({ type: 'requestData', model: 'A', spec: { kind: 'imagenet' }, inputShape: [1, 1, 1] }) as { error: string }).error,
      /'kind'/,
    );
    assert.match((checkFromWebview({ type: 'runEnded', reason: 'finished', epoch: 1, loss: Infinity }) as { error: string }).error, /'loss'/);
  });

  it('lets only plain model names become folder names', () => {
    for (const ok of ['ResNet8', 'a_b-c.d', '_x']) assert.ok(isSafeModelName(ok), ok);
    for (const bad of ['', '../x', 'a/b', 'a\\b', '.hidden', 'a..b', 'x'.repeat(200)]) assert.ok(!isSafeModelName(bad), bad);
  });

  it('builds a page with a strict CSP and nothing but the given script', () => {
    const html = trainingPageHtml({
      cspSource: 'https://x.vscode-cdn.net',
      nonce: 'abc123abc123abc123abc123',
      scriptUri: 'https://x.vscode-cdn.net/dist/webview/training.js',
    });
    // The attribute is HTML-escaped; the browser reads it unescaped.
    const csp = /content="([^"]+)"/.exec(html)![1].replace(/&#39;/g, "'");
    assert.match(csp, /^default-src 'none';/);
    assert.match(csp, /(^|; )script-src 'nonce-abc123abc123abc123abc123'( 'wasm-unsafe-eval')?(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
    assert.equal(html.match(/<script/g)!.length, 1);
    assert.match(html, /<script nonce="abc123abc123abc123abc123" src="https:\/\/x\.vscode-cdn\.net\/dist\/webview\/training\.js"><\/script>/);
  });
});

describe('bytes on the wire', () => {
  it('round-trip through JSON as base64, at every length and byte value', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 255, 256, 10_000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n) & 255);
      const wire = JSON.parse(JSON.stringify(encodeBytes({ type: 'x', nested: [{ data: bytes }] })));
      assert.deepEqual(decodeBytes(wire), { type: 'x', nested: [{ data: bytes }] });
    }
    assert.equal(toBase64(Uint8Array.from([0xfb, 0xff])), '+/8=');
    assert.deepEqual(fromBase64('+/8='), Uint8Array.from([0xfb, 0xff]));
  });

  it('leave malformed base64 undecoded, so validation refuses it', () => {
    for (const bad of ['abc', 'ab$=', '=abc']) assert.equal(fromBase64(bad), null, bad);
    const m = decodeBytes({ type: 'checkpoint', checkpoint: { model: 'A', epoch: 0, weights: { specs: [], data: { $bytes: 'abc' } }, history: [] } });
    assert.match((checkFromWebview(m) as { error: string }).error, /'data' must be a Uint8Array/);
  });
});

describe('a background run that cannot pause', () => {
  it('says so with a boolean, and a run that does not say is pausable as before', () => {
    const start = { type: 'backgroundStart', backend: 'PyTorch (torchrun)', batches: [], history: [], paused: false };
    assert.match((checkToWebview({ ...start, canPause: 1 }) as { error: string }).error, /'canPause' must be a boolean/);
    assert.deepEqual(checkToWebview({ ...start, canPause: false }), { ok: true, value: { ...start, canPause: false } });
    assert.deepEqual(checkToWebview(start), { ok: true, value: start });
  });
});

describe('background-run messages', () => {
  it('refuses background-run messages with impossible progress, non-finite numbers or unknown outcomes', () => {
    const b = backgroundBatch();
    const refused: [unknown, RegExp][] = [
      [{ type: 'backgroundBatch', progress: { ...b, batch: 11 } }, /'batch' must be an integer in \[1, 10\]/],
      [{ type: 'backgroundBatch', progress: { ...b, epoch: 0 } }, /'epoch' must be an integer in \[1, 5\]/],
      [{ type: 'backgroundBatch', progress: { ...b, loss: NaN } }, /'loss' must be a finite number or null/],
      [{ type: 'backgroundBatch', progress: { ...b, samplesPerSecond: -1 } }, /'samplesPerSecond'/],
      [{ type: 'backgroundBatch', progress: { ...b, etaSeconds: Infinity } }, /'etaSeconds'/],
      [{ type: 'backgroundBatch', progress: { ...b, lr: -1 } }, /'lr' must be ≥ 0 or null/],
      [{ type: 'backgroundBatch' }, /progress must be an object/],
      [{ type: 'backgroundStart', backend: 'cpu', batches: 'all', history: [], paused: false }, /'batches' must be a list/],
      [{ type: 'backgroundStart', backend: 'cpu', batches: [{ ...b, batches: 0 }], history: [], paused: false }, /'batches' must be an integer/],
      [{ type: 'backgroundStart', backend: 'cpu', batches: new Array(20_001).fill(b), history: [], paused: false }, /at most 20000/],
      [{ type: 'backgroundStart', backend: 7, batches: [], history: [], paused: false }, /'backend' must be a string/],
      [{ type: 'backgroundStart', backend: 'cpu', batches: [], history: [] }, /'paused' must be a boolean/],
      [{ type: 'backgroundPaused', paused: 'yes' }, /'paused' must be a boolean/],
      [{ type: 'backgroundEpoch', record: { epoch: 1, loss: null, accuracy: null, valLoss: null, valAccuracy: null } }, /record\.loss must be finite/],
      [{ type: 'backgroundEnd', status: 'exploded', message: '' }, /'status' must be one of/],
    ];
    for (const [m, why] of refused) {
      const r = checkToWebview(m);
      assert.equal(r.ok, false, JSON.stringify(m).slice(0, 200));
      assert.match((r as { error: string }).error, why);
    }
  });

  it("refuses a background run's results whose matrix, gallery, samples or scores do not add up", () => {
    const refused: [unknown, RegExp][] = [
      [{ type: 'backgroundResults', results: { ...results(), confusion: [[1, 1]] } }, /'confusion' must be 2×2 counts/],
      [{ type: 'backgroundResults', results: { ...results(), gallery: { shape: [2, 2, 1], pixels: new Uint8Array(3) } } }, /must hold 1 images of 2×2×1/],
      [
        { type: 'backgroundResults', results: { ...results(), wrong: [{ index: 5, label: 0, predicted: 1, confidence: 0.8 }] } },
        /'index' must be an integer in \[0, 0\]/,
      ],
      [{ type: 'backgroundResults', results: { ...results(), accuracy: 2 } }, /'accuracy' must be a number in \[0, 1\]/],
    ];
    for (const [m, reason] of refused) {
      const r = checkToWebview(decodeBytes(JSON.parse(JSON.stringify(encodeBytes(m)))));
      assert.ok(!r.ok && reason.test(r.error), `${JSON.stringify(m).slice(0, 80)}: ${r.ok ? 'accepted' : r.error}`);
    }
  });
});
