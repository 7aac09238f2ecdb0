// The analysis work budget beyond the reported reproducers: block calls, names, many models and repeated errors.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, type Analysis } from '../../core/analyze';
import { LIMITS } from '../../core/model/budget';
import { FIXTURES } from '../helpers/fixtures';
import { analysisProblems } from '../helpers/invariants';

const layers = (a: Analysis) => a.models.reduce((s, m) => s + m.graph.nodes.length, 0);
const codes = (a: Analysis) => a.diagnostics.map((d) => d.code);
const at = (a: Analysis, code: string) => {
  const d = a.diagnostics.find((x) => x.code === code)!;
  return a.text.slice(d.span.start, d.span.end);
};

test('empty blocks repeated inside each other stop at the block-call limit, though they produce no layer', () => {
  const text = 'block e() {\n}\nblock f() {\n  e() × 100000\n}\nblock g() {\n  f() × 100000\n}\nmodel M {\n  input(4) -> g() × 100000\n}\n';
  const a = analyze(text);
  assert.deepEqual(codes(a), ['too-large']);
  assert.equal(at(a, 'too-large'), 'e');
  assert.match(a.diagnostics[0].message, /100,000 block calls/);
  assert.deepEqual(analysisProblems(a), []);
});

test('long block names repeated stop at the name-character limit instead of holding gigabytes of names', () => {
  const name = 'a'.repeat(5000);
  const a = analyze(`block ${name}() {\n  relu() × 10000\n}\nmodel M {\n  input(4) -> ${name}() × 10\n}\n`);
  assert.deepEqual(codes(a), ['too-large']);
  const total = a.models[0].graph.nodes.reduce((s, n) => s + n.name.length, 0);
  assert.ok(total <= LIMITS.nameCharacters, `${total} name characters`);
});

test('the layer limit holds for the whole file: fifty models of 100,000 layers give one too-large and no empty-model', () => {
  const text = Array.from({ length: 50 }, (_, i) => `model M${i} {\n  input(4) -> relu() × 100000\n}\n`).join('');
  const a = analyze(text);
  assert.deepEqual(codes(a), ['too-large']);
  assert.equal(layers(a), LIMITS.layers);
});

test('an unknown layer repeated 100,000 times is reported once, and the expansion still stops at the limit', () => {
  const a = analyze('model M {\n  input(8, 8, 3) -> conv2d(8, 3) -> resblok(8) × 100000\n}\n');
  assert.deepEqual(codes(a), ['unknown-layer', 'too-large']);
  assert.equal(layers(a), LIMITS.layers);
});

test('a library block repeated past the limit is reported at the user call, inside the text', () => {
  const a = analyze('model M {\n  input(16, 64) -> transformer_encoder(64, 4) × 100000\n}\n');
  assert.deepEqual(codes(a), ['too-large']);
  assert.deepEqual(analysisProblems(a), []);
  assert.equal(at(a, 'too-large'), 'transformer_encoder(64, 4)');
});

test('block bodies that make no layer still stop at the statement limit', () => {
  const a = analyze(`block e() {\n${'  in\n'.repeat(20)}}\nmodel M {\n  input(4) -> e() × 100000\n}\n`);
  assert.deepEqual(codes(a), ['too-large']);
  assert.match(a.diagnostics[0].message, /1,000,000 statements/);
  assert.equal(at(a, 'too-large'), 'in');
});

test('a cycle reached a million times stops at a limit with one cycle diagnostic instead of exhausting memory', () => {
  const a = analyze(fs.readFileSync(path.join(FIXTURES, 'limits', 'cycle-repeated.stride'), 'utf8'));
  assert.deepEqual(codes(a), ['cycle', 'too-large']);
  assert.deepEqual(analysisProblems(a), []);
});

test('repeated problems stop at the problem limit: a broken body used 100,000 times', () => {
  const a = analyze(`block e() {\n${'  nosuch\n'.repeat(3)}}\nmodel M {\n  input(4) -> e() × 100000\n}\n`);
  assert.deepEqual(codes(a).sort(), ['too-large', 'undefined-name', 'undefined-name', 'undefined-name']);
  assert.match(a.diagnostics.find((d) => d.code === 'too-large')!.message, /more than 200,000 problems/);
});
