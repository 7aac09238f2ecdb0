// Malformed ONNX files: truncations, flipped bytes, random bytes and absurd tensor headers each give one
// ImportError, quickly, and never another exception or a hang (seeded, bounded loops).

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { onnx } from 'onnx-proto';
import { ImportError, importFile } from '../../import/index';
import { rng } from '../../train/data/dataset';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-fuzz-'));

/** Imports `bytes`: either a text (the damage missed everything that matters) or one ImportError; anything else fails. */
function importOrRefuse(bytes: Uint8Array, what: string): 'ok' | 'refused' {
  const start = Date.now();
  try {
    importFile(bytes, 'fuzz.onnx');
    return 'ok';
  } catch (e) {
    if (!(e instanceof ImportError)) assert.fail(`${what}: ${(e as Error).stack ?? String(e)}`);
    assert.ok(e.message.length > 0 && e.message.length < 4000, `${what}: an error message of ${e.message.length} characters`);
    return 'refused';
  } finally {
    assert.ok(Date.now() - start < 2000, `${what}: took ${Date.now() - start} ms`);
  }
}

let real: Uint8Array;

/** Exports the real file the cases damage (once). */
function loadReal(): void {
  if (real !== undefined) return;
  // A real file: Stride's own export of a small CNN with batch normalisation, residual adds and pooling.
  const file = path.join(tmp, 'resnet8.onnx');
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'bin', 'stride.js'), 'export', path.join(ROOT, 'examples', 'resnet8.stride'), '--format', 'onnx', '--out', file],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  real = fs.readFileSync(file);
  assert.equal(importOrRefuse(real, 'the intact file'), 'ok');
}

describe('malformed ONNX files: truncated and flipped', () => {
  before(loadReal);

  test('truncated at 300 offsets: each refused with one ImportError', () => {
    const random = rng(1);
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const cut = i < 40 ? i : Math.floor(random() * real.length);
      if (importOrRefuse(real.subarray(0, cut), `cut at ${cut}`) === 'refused') refused++;
    }
    // Cutting inside the weights leaves sizes that disagree with the dimensions: nearly every cut is refused.
    assert.ok(refused >= 290, `${refused} of 300 truncations refused`);
  });

  test('400 copies with random bytes flipped: imported or refused with one ImportError', () => {
    const random = rng(2);
    const outcomes = { ok: 0, refused: 0 };
    for (let i = 0; i < 400; i++) {
      const bytes = Uint8Array.from(real);
      const flips = 1 + Math.floor(random() * 8);
      // Most of the file is weights; aim half the flips at the graph structure after them.
      for (let f = 0; f < flips; f++) {
        const at = random() < 0.5 ? Math.floor(random() * bytes.length) : bytes.length - 1 - Math.floor(random() * Math.min(20000, bytes.length));
        bytes[at] ^= 1 << Math.floor(random() * 8);
      }
      outcomes[importOrRefuse(bytes, `flip round ${i}`)]++;
    }
    assert.ok(outcomes.refused > 0, 'some damaged files are refused');
  });
});

describe('malformed ONNX files: random bytes and absurd dimensions', () => {
  before(loadReal);

  test('200 buffers of random bytes: each refused', () => {
    const random = rng(3);
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 5000) }, () => Math.floor(random() * 256));
      assert.equal(importOrRefuse(bytes, `random buffer ${i}`), 'refused');
    }
  });

  test('an initializer header with absurd dimensions is refused at once, naming the tensor', () => {
    for (const dims of [[2 ** 40], [2 ** 20, 2 ** 20, 2 ** 20], [-3, 4], [0, 2 ** 62]]) {
      const model = onnx.ModelProto.decode(real);
      const t = model.graph?.initializer?.[0] as onnx.TensorProto;
      t.dims = dims;
      const bytes = onnx.ModelProto.encode(model).finish();
      assert.throws(
        () => importFile(bytes, 'absurd.onnx'),
        (e: Error) => e instanceof ImportError && new RegExp(`tensor '${t.name}'`).test(e.message),
        `dims (${dims.join(', ')})`,
      );
    }
  });
});
