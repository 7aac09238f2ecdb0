// The .npz writer: numpy loads every array back with its name, shape, dtype and exact values.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { npz } from '../../export/npz';

const PYTHON = '/usr/bin/python3';
const hasNumpy = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

const READ = `import json, sys, numpy as np
d = np.load(sys.argv[1])
print(json.dumps({k: {"shape": list(d[k].shape), "dtype": str(d[k].dtype), "values": d[k].ravel().tolist()} for k in d.files}))`;

test('numpy reads back names, shapes, float32 values of every size', { skip: !hasNumpy && 'numpy is missing at /usr/bin/python3' }, () => {
  const arrays = [
    { name: 'conv2d_1/kernel', shape: [2, 3, 1, 2], data: Float32Array.from({ length: 12 }, (_, i) => (i - 6) / 7) },
    { name: 'conv2d_1/bias', shape: [2], data: Float32Array.from([1.5, -2.25]) },
    { name: 'block_1__dense/kernel', shape: [1], data: Float32Array.from([Math.PI]) },
    // A header that only just fits its 64-byte block, and one that spills into the next.
    { name: 'big', shape: [1000, 7], data: Float32Array.from({ length: 7000 }, (_, i) => Math.sin(i)) },
    { name: 'scalarish', shape: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], data: Float32Array.from([-0]) },
  ];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stride-npz-')), 'w.npz');
  fs.writeFileSync(file, npz(arrays));
  const run = spawnSync(PYTHON, ['-c', READ, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, run.stderr);
  const got = JSON.parse(run.stdout) as Record<string, { shape: number[]; dtype: string; values: number[] }>;
  assert.deepEqual(
    Object.keys(got),
    arrays.map((a) => a.name),
  );
  for (const a of arrays) {
    assert.deepEqual(got[a.name].shape, a.shape);
    assert.equal(got[a.name].dtype, 'float32');
    assert.deepEqual(got[a.name].values, Array.from(a.data));
  }
});
