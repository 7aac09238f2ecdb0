// Every example Stride exports to ONNX comes back through `stride import` as a model that checks clean with the same
// parameter totals and MACs (sequence models and several outputs included); `diagnostics` is not exported at all.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { analyze } from '../../core/analyze';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-roundtrip-'));

function stride(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Examples that are not exported at all: they hold mistakes on purpose, to show the diagnostics. */
const NOT_EXPORTED: Readonly<Record<string, RegExp>> = { diagnostics: /error\[shape-mismatch\]/ };

const examples = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.stride'))
  .map((f) => f.replace(/\.stride$/, ''))
  .sort();

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('round trip of the examples through ONNX', () => {
  test('every example is covered', () => assert.ok(examples.length >= 20, `${examples.length} examples`));
  for (const example of examples) {
    test(example, () => {
      const source = path.join(ROOT, 'examples', `${example}.stride`);
      const onnxFile = path.join(tmp, `${example}.onnx`);
      const exported = stride('export', source, '--format', 'onnx', '--out', onnxFile);
      if (NOT_EXPORTED[example]) {
        assert.equal(exported.status, 2);
        assert.match(exported.stderr, NOT_EXPORTED[example]);
        return;
      }
      assert.equal(exported.status, 0, exported.stderr);
      const back = stride('import', onnxFile, '--name', 'Back', '--out', '-');
      fs.rmSync(onnxFile);
      assert.equal(back.status, 0, back.stderr);
      const analysis = analyze(back.stdout);
      assert.deepEqual(
        analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
        [],
      );
      const original = analyze(fs.readFileSync(source, 'utf8')).models[0];
      const { totals, graph } = analysis.models[0];
      assert.deepEqual([totals.params, totals.trainable, totals.macs], [original.totals.params, original.totals.trainable, original.totals.macs]);
      // Several outputs come back in the same order under the names the example gives them (ONNX's output names).
      const names = (g: typeof graph) => (g.outputs.length > 1 ? g.outputs.map((id) => g.nodes[id].name) : g.outputs.length);
      assert.deepEqual(names(graph), names(original.graph));
    });
  }
});

test('upsampling and resizing, nearest and bilinear, come back as the layers they were', () => {
  const body = [
    'input(8, 8, 3)',
    'conv2d(4, 3, padding: same)',
    'upsample2d(2)',
    'conv2d(4, 3)',
    'upsample2d((2, 3), interpolation: bilinear)',
    'resizing(20, 30)',
    'conv2d(4, 1)',
    'resizing(10, 10, interpolation: nearest)',
    'flatten()',
    'dense(3)',
  ];
  const source = path.join(tmp, 'resize.stride');
  fs.writeFileSync(source, `model Resize {\n${body.map((l) => `  ${l}\n`).join('')}}\n`);
  const onnxFile = path.join(tmp, 'resize.onnx');
  assert.equal(stride('export', source, '--format', 'onnx', '--out', onnxFile).status, 0);
  const back = stride('import', onnxFile, '--out', '-');
  assert.equal(back.status, 0, back.stderr);
  assert.deepEqual(analyze(back.stdout).diagnostics, []);
  const calls = [...back.stdout.matchAll(/^ {2}(\w+\(.*?\)) {2}#/gm)].map((m) => m[1]);
  // `padding: same` on a stride-1, 3×3 window pads 1 on every side: the number is what the file holds.
  assert.deepEqual(calls, ['conv2d(4, 3, padding: 1)', ...body.slice(2)]);
});
