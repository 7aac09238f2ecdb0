// Value functions: `fn` items and the library's make_divisible (against torchvision), binding, cycles and the work budget.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { libraryFunctions } from '../../core/model/library';

/** The units of each dense layer of a model whose dense layers take `exprs`, with `prelude` before the model. */
function units(prelude: string, ...exprs: string[]): number[] {
  const text = `${prelude}\nmodel M {\n  input(4)\n${exprs.map((e) => `  dense(${e})\n`).join('')}}\n`;
  const analysis = analyze(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.message),
    [],
  );
  return analysis.models[0].layers.slice(1).map((l) => l.node.args.units as number);
}

function diagnostics(text: string): { code: string; message: string; at: string }[] {
  return analyze(text).diagnostics.map((d) => ({ code: d.code, message: d.message, at: text.slice(d.span.start, d.span.end) }));
}

test("make_divisible equals torchvision's _make_divisible over channel counts, widths and divisors", () => {
  const cases: [number, number, number | null][] = [];
  for (let c = 1; c <= 160; c += 3) for (const w of [0.25, 0.5, 0.75, 1, 1.1, 1.4]) cases.push([c * w, 8, null]);
  for (const v of [3, 7, 12, 30.5, 100]) for (const d of [1, 4, 16]) cases.push([v, d, null], [v, d, 2 * d]);
  const script = `from torchvision.models._utils import _make_divisible as m\nimport json,sys\nprint(json.dumps([m(v, d, mv) for v, d, mv in json.load(sys.stdin)]))`;
  const torch = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' });
  assert.equal(torch.status, 0, `torchvision is needed as the oracle: ${torch.stderr}`);
  const expected = JSON.parse(torch.stdout) as number[];
  const exprs = cases.map(([v, d, mv]) => `make_divisible(${v}, ${d}${mv === null ? '' : `, min_value: ${mv}`})`);
  assert.deepEqual(units('', ...exprs), expected);
  assert.ok(libraryFunctions().get('make_divisible')?.doc?.includes('MobileNet'));
});

test('a file function: positional and named arguments, defaults evaluated in order, local names, conditional result', () => {
  const fn = 'fn width(c, mult = 2, floor_at = mult * 4) {\n  w = c * mult\n  w if w > floor_at else floor_at\n}';
  assert.deepEqual(units(fn, 'width(10)', 'width(1)', 'width(10, floor_at: 30)', 'width(mult: 1, c: 3)'), [20, 8, 30, 4]);
});

test('functions call functions, and blocks call them with their parameters', () => {
  const text = [
    'fn quarter(c) {',
    '  max(1, c // 4)',
    '}',
    'fn se_width(c) {',
    '  make_divisible(quarter(c))',
    '}',
    'block se(c) {',
    '  dense(se_width(c))',
    '}',
    'model M {',
    '  input(4)',
    '  se(100)',
    '}',
  ].join('\n');
  const analysis = analyze(text);
  assert.deepEqual(analysis.diagnostics, []);
  assert.equal(analysis.models[0].layers[1].node.args.units, 24);
});

test('wrong arguments are reported at the call: missing, unknown, too many, twice', () => {
  const fn = 'fn f(a, b = 1) {\n  a + b\n}\n';
  const model = (call: string) => `${fn}model M {\n  input(4)\n  dense(${call})\n}\n`;
  assert.deepEqual(
    diagnostics(model('f()')).map((d) => [d.code, d.at]),
    [['missing-argument', 'f']],
  );
  assert.deepEqual(
    diagnostics(model('f(1, c: 2)')).map((d) => [d.code, d.at]),
    [['unknown-argument', 'c']],
  );
  assert.deepEqual(
    diagnostics(model('f(1, 2, 3)')).map((d) => [d.code, d.at]),
    [['too-many-arguments', '3']],
  );
  assert.deepEqual(
    diagnostics(model('f(1, a: 2)')).map((d) => [d.code, d.at]),
    [['duplicate-argument', 'a: 2']],
  );
  for (const d of diagnostics(model('f()'))) assert.match(d.message, /^f\(\) needs 'a' \(it takes a, b = …\)\.$/);
});

test('a mistake inside make_divisible is reported at the call in the user text', () => {
  const text = 'model M {\n  input(4)\n  dense(make_divisible("wide"))\n}\n';
  const found = diagnostics(text);
  assert.equal(found.length, 1);
  assert.equal(found[0].code, 'invalid-expression');
  assert.equal(found[0].at, 'make_divisible("wide")');
});

test('a function that calls itself, directly or not, is a cycle error', () => {
  const text = 'fn a(x) {\n  b(x)\n}\nfn b(x) {\n  a(x) + 1\n}\nmodel M {\n  input(4)\n  dense(a(1))\n}\n';
  const found = diagnostics(text);
  assert.deepEqual(
    found.map((d) => [d.code, d.message]),
    [['cycle', "Function 'a' calls itself (a → b → a); functions cannot recurse."]],
  );
});

test('a chain of functions that would make 2^60 calls stops quickly with one too-large diagnostic', () => {
  const fns = Array.from({ length: 60 }, (_, i) => `fn f${i}(x) {\n  f${i + 1}(x) + f${i + 1}(x)\n}`).join('\n');
  const text = `${fns}\nfn f60(x) {\n  x\n}\nmodel M {\n  input(4)\n  dense(f0(1))\n}\n`;
  const started = Date.now();
  const found = diagnostics(text);
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  assert.deepEqual(
    found.map((d) => d.code),
    ['too-large'],
  );
  assert.match(found[0].message, /function calls, the limit for one file/);
});

test('functions nested deeper than the limit stop with one too-large diagnostic', () => {
  const fns = Array.from({ length: 100 }, (_, i) => `fn g${i}(x) {\n  g${i + 1}(x)\n}`).join('\n');
  const found = diagnostics(`${fns}\nfn g100(x) {\n  x\n}\nmodel M {\n  input(4)\n  dense(g0(1))\n}\n`);
  assert.deepEqual(
    found.map((d) => d.code),
    ['too-large'],
  );
  assert.match(found[0].message, /^Function calls nest 65 deep \(g0 → g1 → g2 → … → g62 → g63 → g64\); the limit is 64/);
});

test('a function may not take the name of a built-in, and names are unique', () => {
  const found = diagnostics('fn max(a) {\n  a\n}\nfn f(x) {\n  x\n}\nfn f(y) {\n  y\n}\n');
  assert.deepEqual(
    found.map((d) => [d.code, d.at]),
    [
      ['duplicate-name', 'max'],
      ['duplicate-name', 'f'],
    ],
  );
});

test("a file's own function shadows the library's of the same name", () => {
  assert.deepEqual(units('fn make_divisible(v) {\n  v * 2\n}', 'make_divisible(3)'), [6]);
});

test('training settings can use functions and expressions', () => {
  const text = 'fn twice(n) {\n  n * 2\n}\nmodel M {\n  input(4)\n  dense(2)\n}\ntrain M {\n  epochs: twice(3)\n  batch: 64 if 1 < 2 else 32\n}\n';
  const analysis = analyze(text);
  assert.deepEqual(analysis.diagnostics, []);
  assert.equal(analysis.trains[0].epochs, 6);
  assert.equal(analysis.trains[0].batch, 64);
});
