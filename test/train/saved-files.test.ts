// Saved weights on disk never replace what Stride did not write, clean up after killed saves, and refuse damaged manifests.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { findSavedWeights, loadModelFiles, writeFolderAtomically } from '../../train/node/saved-files';
import { NotStrideFolderError, prepareRunFolder, WEIGHTS_MARKER } from '../../train/node/saved-owner';
import { tempDir } from './helpers';

const tmp = tempDir('saved-files');
after(tmp.cleanup);

const FILES = { 'model.json': Buffer.from('{}'), 'weights.bin': new Uint8Array(8) };
const at = (...parts: string[]) => path.join(tmp.dir, ...parts);

function userFolder(name: string): string {
  const dir = at(name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'thesis.tex'), 'years of work');
  return dir;
}

describe('never replacing what Stride did not write', () => {
  test('a weights folder holding other files is refused, named, and left as it was', () => {
    const dir = userFolder('mine');
    assert.throws(
      () => writeFolderAtomically(dir, FILES),
      (e: Error) => e instanceof NotStrideFolderError && e.message.includes(dir) && /thesis\.tex/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(dir), ['thesis.tex']);
    assert.deepEqual(
      fs.readdirSync(tmp.dir).filter((n) => n.includes('.tmp-')),
      [],
    );
  });

  test('an empty weights path is refused instead of meaning the current folder', () => {
    assert.throws(() => writeFolderAtomically('', FILES), /empty path/);
    assert.throws(() => prepareRunFolder(''), /empty path/);
  });

  test('a save writes its marker, and a marked folder (or an older unmarked save) is replaced', () => {
    const dir = at('saves', 'M');
    writeFolderAtomically(dir, FILES);
    assert.deepEqual(fs.readdirSync(dir).sort(), [WEIGHTS_MARKER, 'model.json', 'weights.bin']);
    assert.match(fs.readFileSync(path.join(dir, WEIGHTS_MARKER), 'utf8'), /"writtenBy":"Stride"/);
    fs.rmSync(path.join(dir, WEIGHTS_MARKER));
    writeFolderAtomically(dir, { ...FILES, 'model.json': Buffer.from('{"v":2}') });
    assert.equal(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'), '{"v":2}');
  });

  test("a .previous folder that is not Stride's is not deleted by a save", () => {
    const dir = at('prev', 'M');
    writeFolderAtomically(dir, FILES);
    userFolder(path.join('prev', 'M.previous'));
    assert.throws(() => writeFolderAtomically(dir, FILES), NotStrideFolderError);
    assert.deepEqual(fs.readdirSync(`${dir}.previous`), ['thesis.tex']);
  });

  test("a run folder is used only when missing, empty or Stride's; the marker is written", () => {
    const run = at('runs', 'A');
    prepareRunFolder(run);
    assert.ok(fs.existsSync(path.join(run, '.stride-run')));
    fs.writeFileSync(path.join(run, 'metrics.jsonl'), '');
    prepareRunFolder(run);
    const legacy = at('runs', 'B');
    fs.mkdirSync(path.join(legacy, 'weights'), { recursive: true });
    fs.writeFileSync(path.join(legacy, 'metrics.jsonl'), '');
    prepareRunFolder(legacy);
    const home = userFolder('home');
    fs.mkdirSync(path.join(home, 'weights'));
    assert.throws(() => prepareRunFolder(home), /is not a run folder Stride wrote .*thesis\.tex/);
    assert.ok(!fs.existsSync(path.join(home, '.stride-run')));
  });
});

describe('killed saves and the previous copy', () => {
  test("temporary folders left by killed saves are removed by the next save; a live save's folder stays", () => {
    const dir = at('stale', 'M');
    writeFolderAtomically(dir, FILES);
    const dead = at('stale', '.M.tmp-999999999-abc');
    const old = at('stale', '.M.tmp-Xy12Zq');
    const live = at('stale', `.M.tmp-${process.ppid}-def`);
    for (const d of [dead, old, live]) {
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'weights.bin'), new Uint8Array(16));
    }
    writeFolderAtomically(dir, FILES);
    assert.deepEqual(fs.readdirSync(at('stale')).sort(), ['.M.tmp-' + process.ppid + '-def', 'M']);
  });

  test('the previous copy is found for a run folder and for a weights folder, and says so', () => {
    const run = at('crash', 'Tiny');
    writeFolderAtomically(path.join(run, 'weights'), FILES);
    assert.deepEqual(findSavedWeights(run), { dir: path.join(run, 'weights'), fromPrevious: false });
    fs.renameSync(path.join(run, 'weights'), path.join(run, 'weights.previous'));
    assert.deepEqual(findSavedWeights(run), { dir: path.join(run, 'weights.previous'), fromPrevious: true });
    assert.deepEqual(findSavedWeights(path.join(run, 'weights')), { dir: path.join(run, 'weights.previous'), fromPrevious: true });
    assert.equal(findSavedWeights(at('crash', 'none')), null);
  });
});

/** A folder with the given model.json text and weights.bin bytes. */
function saved(name: string, json: unknown, bin: Uint8Array = new Uint8Array(16)): string {
  const dir = at('manifests', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json));
  fs.writeFileSync(path.join(dir, 'weights.bin'), bin);
  return dir;
}

const W = { name: 'dense/kernel', shape: [2, 2], dtype: 'float32' };
const manifest = (weights: unknown[], stride?: unknown) => ({ weightsManifest: [{ paths: ['weights.bin'], weights }], userDefinedMetadata: { stride } });

describe('damaged manifests are clear errors', () => {
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /is damaged: it is not a JSON object/],
    ['string', '"weights"', /is damaged: it is not a JSON object/],
    ['list of empty', [{}], /is damaged: it is not a JSON object/],
    ['no manifest', {}, /has no weightsManifest list/],
    ['manifest of empty', { weightsManifest: [{}] }, /entry 0 has no weights list/],
    ['nameless weight', manifest([{}]), /weight 0 of manifest entry 0 has no name/],
    ['bad shape', manifest([{ ...W, shape: [2, -1] }]), /has no valid shape/],
    ['quantized', manifest([{ ...W, quantization: { dtype: 'uint8', scale: 1, min: 0 } }]), /is quantized/],
    ['object classes', manifest([W], { model: 'M', inputShape: [2], classes: { a: 1 } }), /class names are not a list of strings/],
    ['object class names', manifest([W], { model: 'M', inputShape: [2], classes: [{ a: 1 }] }), /class names are not a list of strings/],
  ];
  for (const [name, json, message] of cases) {
    test(`a manifest that is ${name} is refused with a message naming model.json`, () => {
      const dir = saved(name.replace(/ /g, '-'), json);
      assert.throws(
        () => loadModelFiles(dir),
        (e: Error) => !(e instanceof TypeError) && message.test(e.message) && e.message.includes('model.json'),
      );
    });
  }

  test('a weights.bin over 2 GiB is refused before it is read', () => {
    const dir = saved('huge', manifest([W]));
    fs.truncateSync(path.join(dir, 'weights.bin'), 2 ** 31 + 10);
    assert.throws(() => loadModelFiles(dir), /weights\.bin' is 2147483658 bytes, more than the 2147483647 bytes Stride reads/);
  });

  test('a missing weights.bin is a clear error', () => {
    const dir = saved('nobin', manifest([W]));
    fs.rmSync(path.join(dir, 'weights.bin'));
    assert.throws(() => loadModelFiles(dir), /weights\.bin' is missing; the save is incomplete/);
  });
});
