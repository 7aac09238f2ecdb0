// `stride import --partial`: the layers up to the first node the importer cannot read, then a comment saying where it
// stopped and why; without it, one error listing every unsupported operator with its count and node names.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { analyze } from '../../core/analyze';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-partial-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function stride(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes `body` as a model, exports it to ONNX with Stride's exporter and returns the file. */
function exported(name: string, body: string): string {
  const source = path.join(tmp, `${name}.stride`);
  fs.writeFileSync(source, `model ${name} {\n${body}\n}\n`);
  const file = path.join(tmp, `${name}.onnx`);
  const r = stride('export', source, '--format', 'onnx', '--out', file);
  assert.equal(r.status, 0, r.stderr);
  return file;
}

// SELU and the thresholded ReLU are ONNX operators (Selu, ThresholdedRelu) the importer has no layer for.
const UNSUPPORTED = `  input(16, 16, 3)
  conv2d(8, 3, activation: relu)
  selu()
  conv2d(4, 3)
  thresholded_relu(theta: 0.5)
  flatten()
  dense(10)`;

describe('import --partial', () => {
  test('without it: every unsupported operator with its count and node names, and nothing written', () => {
    const file = exported('Odd', UNSUPPORTED);
    const r = stride('import', file, '--out', path.join(tmp, 'odd.stride'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unsupported ONNX operators:\n {2}Selu ×1: selu_1:Selu\n {2}ThresholdedRelu ×1: thresholded_relu_1:ThresholdedRelu/);
    assert.equal(fs.existsSync(path.join(tmp, 'odd.stride')), false);
  });

  test('with it: the layers before the first unsupported node, a model that checks clean, and where it stopped', () => {
    const r = stride('import', exported('Odd', UNSUPPORTED), '--partial', '--out', '-');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\n# stopped at Selu node 'selu_1:Selu': the operator is not supported\n$/);
    assert.match(r.stderr, /note: partial import, stopped at Selu node 'selu_1:Selu'/);
    const analysis = analyze(r.stdout);
    assert.deepEqual(
      analysis.diagnostics.map((d) => d.message),
      [],
    );
    const kinds = analysis.models[0].layers.map((l) => l.node.kind);
    assert.deepEqual(kinds, ['input', 'conv2d', 'relu']);
    // 3·3·3·8 weights and 8 biases: the first convolution, all that was read.
    assert.equal(analysis.models[0].totals.params, 224);
  });

  test('it stops as well at a supported operator used in a way the importer refuses, with the reason', () => {
    const file = exported('Clipped', '  input(8, 8, 1)\n  conv2d(4, 3)\n  hard_tanh()\n  conv2d(2, 3)');
    const refused = stride('import', file, '--out', '-');
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /Clip node 'hard_tanh_1:Clip': only Clip\(0, 6\) \(relu6\) is imported, got \(-1, 1\)/);
    const r = stride('import', file, '--partial', '--out', '-');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /conv2d\(4, 3\) {2}# conv2d_1:Conv\n\}\n# stopped at Clip node 'hard_tanh_1:Clip': only Clip\(0, 6\)/);
    assert.deepEqual(analyze(r.stdout).diagnostics, []);
  });

  test('a file with nothing unsupported imports whole, with no comment', () => {
    const r = stride('import', exported('Fine', '  input(8, 8, 1)\n  conv2d(4, 3)\n  relu()'), '--partial', '--out', '-');
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /stopped at/);
    assert.match(r.stdout, /relu\(\) {2}# relu_1:Relu\n\}\n$/);
  });
});
