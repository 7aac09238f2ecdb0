// The analysis work budget: expansion bombs, deep call chains and huge repetition counts end in one too-large diagnostic.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, type Analysis } from '../../core/analyze';
import { LIMITS } from '../../core/model/budget';
import { FIXTURES } from '../helpers/fixtures';
import { analysisProblems } from '../helpers/invariants';

const LIMIT_FIXTURES = path.join(FIXTURES, 'limits');
const read = (name: string) => fs.readFileSync(path.join(LIMIT_FIXTURES, name), 'utf8');

/** All layers of all models, and the characters of their names: the work and memory a result holds. */
function size(a: Analysis): { layers: number; nameCharacters: number; longestName: number } {
  const nodes = a.models.flatMap((m) => m.graph.nodes);
  const lengths = nodes.map((n) => n.name.length);
  return { layers: nodes.length, nameCharacters: lengths.reduce((s, n) => s + n, 0), longestName: Math.max(0, ...lengths) };
}

/** The one too-large diagnostic of `a`, with the source text it points at. */
function tooLarge(a: Analysis): { message: string; at: string } {
  const found = a.diagnostics.filter((d) => d.code === 'too-large');
  assert.equal(found.length, 1, `one too-large diagnostic, got ${JSON.stringify(a.diagnostics.map((d) => d.code))}`);
  assert.deepEqual(analysisProblems(a), []);
  return { message: found[0].message, at: a.text.slice(found[0].span.start, found[0].span.end) };
}

test('a block repeating relu() 40,000 times used once analyses linearly, with no diagnostic', () => {
  const a = analyze(read('repeat-40000-block.stride'));
  assert.deepEqual(a.diagnostics, []);
  assert.equal(size(a).layers, 40_001);
  assert.equal(a.models[0].layers.length, 40_001);
});

test('blocks nested 16 deep, each repeating the one below twice, expand to 65,537 layers with bounded names', () => {
  const a = analyze(read('nested-repeat-16.stride'));
  assert.deepEqual(a.diagnostics, []);
  const s = size(a);
  assert.equal(s.layers, 2 ** 16 + 1);
  assert.ok(s.longestName < 200, `longest name ${s.longestName}`);
  // Names are unique however deep the nesting (the preview and the training page key layers by them).
  assert.equal(new Set(a.models[0].graph.nodes.map((n) => n.name)).size, s.layers);
});

test('blocks nested 400 deep stop at the depth limit with too-large at the call that passes it', () => {
  const text = read('nested-repeat-400.stride');
  const a = analyze(text);
  const d = tooLarge(a);
  assert.equal(d.at, `b${400 - LIMITS.depth}`);
  assert.match(d.message, /nest 65 deep \(b400 → b399 → b398 → … → b338 → b337 → b336\); the limit is 64/);
  assert.equal(size(a).layers, 1, 'only the input layer: nothing below the limit was expanded');
});

test('a chain of 1,000 blocks each calling the next gets too-large instead of overflowing the stack', () => {
  const a = analyze(read('call-chain-1000.stride'));
  const d = tooLarge(a);
  assert.equal(d.at, `c${LIMITS.depth + 1}`);
  assert.match(d.message, /c1 → c2 → c3 → … → c63 → c64 → c65/);
});

test('a repetition count over the layer limit says the limit, not that the count is not a positive integer', () => {
  const text = read('repeat-100000000.stride');
  const d = tooLarge(analyze(text));
  assert.equal(d.at, '100000000');
  assert.equal(d.message, 'A repetition count of 100,000,000 is over the limit: a model expands to at most 100,000 layers.');
  assert.equal(analyze('model M {\n  input(4) -> relu() × 0\n}\n').diagnostics[0].code, 'invalid-repeat');
});

test('docs/language.md lists every analysis limit with its value', () => {
  const docs = fs.readFileSync(path.join(FIXTURES, '..', '..', 'docs', 'language.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## Limits'), docs.indexOf('\n## ', docs.indexOf('## Limits') + 1));
  for (const [name, value] of Object.entries(LIMITS)) {
    assert.ok(section.includes(`| ${value.toLocaleString('en-US')}`) || section.includes(`| ${value} deep`), `limit ${name} (${value}) documented`);
  }
});
