// PyTorch export of split, slice and channel_shuffle, run in real PyTorch: counts, shapes, and values against hand-written torch.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { exportPyTorch, pyName, toTorchShape } from '../../core/export/pytorch';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RUNNER = path.join(ROOT, 'test', 'export', 'run_export.py');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-export-split-'));

function exported(text: string): { code: string; file: string; className: string } {
  const analysis = analyze(text);
  assert.deepEqual(
    analysis.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const model = analysis.models[0];
  const result = exportPyTorch(model);
  assert.deepEqual(result.unsupported, []);
  const className = pyName(model.graph.name);
  const file = path.join(dir, `${className}.py`);
  fs.writeFileSync(file, result.code);
  return { code: result.code, file, className };
}

function python(args: string[], input?: string): string {
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8', input, timeout: 120_000 });
  assert.equal(r.status, 0, `PyTorch could not run the export:\n${r.stderr}`);
  return r.stdout;
}

/** A ShuffleNetV2 unit pair on images: the split unit, uneven parts, a slice on the height axis, shuffles. */
const IMAGE = `model Shuffle {
  input(9, 8, 6)
  conv2d(8, 3, padding: same)
  left, right = split(2)
  r = right -> conv2d(4, 1, bias: false) -> relu()
  y = concat(left, r) -> channel_shuffle(2)
  lo, hi = y -> split((3, 5))
  top = y -> slice(2, 7, axis: 1)
  z = concat(hi -> slice(1, -1), lo) -> channel_shuffle(3)
  output(z, top)
}`;

/** Sequences stay channels-last in the export: the same layers on (steps, features). */
const SEQUENCE = `model Seq {
  input(7, 12)
  a, b, c = split((2, 4, 6))
  t = a -> slice(1, 5, axis: 1)
  concat(c, b) -> channel_shuffle(5)
  output(t)
}`;

for (const [name, text] of Object.entries({ IMAGE, SEQUENCE })) {
  test(`PyTorch export of split, slice and channel_shuffle (${name.toLowerCase()}): counts and output shapes`, () => {
    const model = analyze(text).models[0];
    const { file, className } = exported(text);
    const facts = JSON.parse(python([RUNNER, file, className])) as { trainable: number; outputs: number[][] };
    assert.equal(facts.trainable, model.totals.trainable);
    assert.deepEqual(
      facts.outputs,
      model.graph.outputs.map((o) => toTorchShape(model.layers[o].shape!)),
    );
  });
}

/** Runs the export and the same computation written by hand with torch.split and F.channel_shuffle, on the same weights. */
const COMPARE = `
import sys, torch
import torch.nn.functional as F
ns = {}
exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), ns)
torch.manual_seed(0)
m = ns[sys.argv[2]]().eval()
x = torch.randn(3, 6, 9, 8)
with torch.no_grad():
    z, top = m(x)
    s = m.conv2d_1(x)
    left, right = torch.split(s, [4, 4], 1)
    y = F.channel_shuffle(torch.cat([left, F.relu(m.conv2d_2(right))], 1), 2)
    lo, hi = torch.split(y, [3, 5], 1)
    want_z = F.channel_shuffle(torch.cat([hi[:, 1:4], lo], 1), 3)
    want_top = y[:, :, 2:7]
print(max(float((z - want_z).abs().max()), float((top - want_top).abs().max())))
`;

test('the exported ShuffleNet units compute what torch.split and F.channel_shuffle compute', () => {
  const { file, className } = exported(IMAGE);
  assert.ok(Number(python(['-c', COMPARE, file, className])) <= 1e-6);
});
