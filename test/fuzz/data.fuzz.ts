// The data fuzz tier: image decoders, downloads over loopback, and weights folders, driven by a seed and a count.
// `node out/test/fuzz/data.fuzz.js --seed 7 --iterations 2000` is the long tier; data-fuzz.test.ts runs a short one.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { rng } from '../../train/data/dataset';
import { buildModel } from '../../train/model-builder';
import { FolderError, loadImage } from '../../train/node/data/folder';
import { loadRemote } from '../../train/node/data/remote';
import { writeFolderAtomically } from '../../train/node/saved-files';
import { loadWeightsInto, saveModel } from '../../train/node/weights';
import { serveFiles } from '../train/helpers';
import { pinsFor } from '../train/remote-fixtures';
import { hostileBody, hostileImage, hostileManifest, pick, type Random } from './data-cases';
import { lowered } from '../helpers/training';
import { fuzzMain } from './main';

/** How each input ended: tallies by outcome, and the first unexpected failure (which fails the run). */
export interface FuzzReport {
  readonly outcomes: Record<string, number>;
  readonly failures: string[];
}

const tally = (r: FuzzReport, key: string) => (r.outcomes[key] = (r.outcomes[key] ?? 0) + 1);
const describeError = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message.slice(0, 200)}` : String(e));
/** An error a user may see: a named error with a message, never a TypeError/RangeError from inside the code. */
const isClear = (e: unknown) => e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError) && e.message.length > 0;

export function fuzzImages(random: Random, iterations: number, dir: string, report: FuzzReport): void {
  for (let i = 0; i < iterations; i++) {
    const { ext, bytes } = hostileImage(random);
    const file = path.join(dir, `img-${i}.${ext}`);
    fs.writeFileSync(file, bytes);
    const start = Date.now();
    try {
      // A 4-Mpixel budget (the limit is settable) keeps each case short; the default limit has its own tests.
      const out = loadImage(file, { height: 4, width: 4, channels: pick(random, [1, 3]), maxPixels: 4_000_000 });
      tally(report, out.length === 16 || out.length === 48 ? 'image: decoded' : 'image: WRONG SIZE');
      if (out.length !== 16 && out.length !== 48) report.failures.push(`image ${i}: ${out.length} values`);
    } catch (e) {
      tally(report, e instanceof FolderError ? 'image: refused' : 'image: UNCLEAR');
      if (!(e instanceof FolderError)) report.failures.push(`image ${i}: ${describeError(e)}`);
    }
    if (Date.now() - start > 5000) report.failures.push(`image ${i}: took ${Date.now() - start} ms`);
    fs.rmSync(file);
  }
}

const FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

export async function fuzzDownloads(random: Random, iterations: number, dir: string, report: FuzzReport): Promise<void> {
  for (let i = 0; i < iterations; i++) {
    const files = new Map(FILES.map((f) => [`/s/${f}`, new Uint8Array(hostileBody(random))]));
    const server = await serveFiles(files);
    const cacheDir = path.join(dir, `cache-${i}`);
    // Half the time the pins match the hostile bodies, so the parsers and limits behind the checksum are reached too.
    const checksums = random() < 0.5 ? pinsFor('mnist', '/s', files, 1024 * 1024) : undefined;
    try {
      await loadRemote('mnist', { baseUrl: `${server.url}/s`, cacheDir, checksums, timeoutMs: 2000 });
      tally(report, 'download: loaded');
    } catch (e) {
      tally(report, isClear(e) ? 'download: refused' : 'download: UNCLEAR');
      if (!isClear(e)) report.failures.push(`download ${i}: ${describeError(e)}`);
    } finally {
      await server.close();
    }
    const kept = fs.existsSync(path.join(cacheDir, 'mnist')) ? fs.readdirSync(path.join(cacheDir, 'mnist')) : [];
    if (kept.some((f) => f.includes('.partial-'))) report.failures.push(`download ${i}: left ${kept.join(', ')}`);
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

const SOURCE = 'model F {\n  input(2, 2, 1)\n  flatten()\n  dense(2, activation: softmax)\n}\n';

export async function fuzzWeights(random: Random, iterations: number, dir: string, report: FuzzReport): Promise<void> {
  const analysis = analyze(SOURCE).models[0];
  const model = buildModel(lowered(analysis), { seed: 1 });
  const good = path.join(dir, 'good');
  await saveModel(model, good, { model: 'F', inputShape: [2, 2, 1], classes: ['a', 'b'] });
  const valid = JSON.parse(fs.readFileSync(path.join(good, 'model.json'), 'utf8')) as Record<string, unknown>;
  const bin = fs.readFileSync(path.join(good, 'weights.bin'));
  for (let i = 0; i < iterations; i++) {
    const w = path.join(dir, `w-${i}`);
    fs.mkdirSync(w);
    fs.writeFileSync(path.join(w, 'model.json'), hostileManifest(random, valid));
    fs.writeFileSync(path.join(w, 'weights.bin'), random() < 0.7 ? bin : bin.subarray(0, Math.floor(random() * bin.length)));
    try {
      loadWeightsInto(model, w);
      tally(report, 'weights: loaded');
    } catch (e) {
      tally(report, isClear(e) ? 'weights: refused' : 'weights: UNCLEAR');
      if (!isClear(e)) report.failures.push(`weights ${i}: ${describeError(e)}`);
    }
    fuzzSaveInto(random, w, report, i);
  }
  model.dispose();
}

/** Saving over a folder in a random state must either succeed or refuse, and never remove a file it did not write. */
function fuzzSaveInto(random: Random, dir: string, report: FuzzReport, i: number): void {
  const userFile = path.join(dir, 'user-notes.txt');
  if (random() < 0.5) fs.writeFileSync(userFile, 'mine');
  if (random() < 0.3) {
    fs.mkdirSync(`${dir}.previous`, { recursive: true });
    if (random() < 0.5) fs.writeFileSync(path.join(`${dir}.previous`, 'user-notes.txt'), 'mine too');
  }
  const users = [userFile, path.join(`${dir}.previous`, 'user-notes.txt')].filter((f) => fs.existsSync(f));
  try {
    writeFolderAtomically(dir, { 'model.json': Buffer.from('{}'), 'weights.bin': new Uint8Array(4) });
    tally(report, 'save: written');
  } catch (e) {
    tally(report, isClear(e) ? 'save: refused' : 'save: UNCLEAR');
    if (!isClear(e)) report.failures.push(`save ${i}: ${describeError(e)}`);
  }
  for (const f of users) if (!fs.existsSync(f)) report.failures.push(`save ${i}: deleted ${f}`);
}

/** Runs every part; `iterations` per part. */
export async function fuzzData(seed: number, iterations: number): Promise<FuzzReport> {
  await tf.setBackend('cpu');
  const random = rng(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-fuzz-data-'));
  const report: FuzzReport = { outcomes: {}, failures: [] };
  try {
    fuzzImages(random, iterations, dir, report);
    await fuzzDownloads(random, Math.max(1, Math.ceil(iterations / 4)), dir, report);
    await fuzzWeights(random, iterations, dir, report);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

if (require.main === module) {
  fuzzMain('data', 500, fuzzData);
}
