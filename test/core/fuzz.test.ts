// Robustness: analyze() never throws, never hangs and keeps every span inside the text, whatever the input.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { EXAMPLES, FIXTURES, strideFiles } from '../helpers/fixtures';
import { analysisProblems } from '../helpers/invariants';
import { Prng } from '../helpers/prng';

/**
 * A hang detector, not a speed test: CPU time (not wall time, so a busy machine does not trip it), generous
 * enough for a slow machine and far below "never returns".
 */
const HANG_MS = 2_000;
/** The multi-megabyte inputs get more room; they still must finish. */
const HUGE_HANG_MS = 20_000;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Analyses one input; returns problems instead of throwing so a run reports every bad input at once. */
function probe(name: string, text: string, limitMs = HANG_MS): string[] {
  const started = cpuMs();
  let problems: string[];
  try {
    const a = analyze(text);
    problems = analysisProblems(a).map((p) => `${name}: ${p}`);
    if (!Array.isArray(a.diagnostics)) problems.push(`${name}: diagnostics is not an array`);
  } catch (e) {
    return [`${name}: analyze threw ${(e as Error).stack ?? String(e)}`];
  }
  const ms = cpuMs() - started;
  if (ms > limitMs) problems.push(`${name}: took ${ms.toFixed(0)} ms of CPU time (limit ${limitMs} ms)`);
  return problems;
}

const VOCABULARY = [
  'model',
  'block',
  'train',
  'input',
  'conv2d',
  'dense',
  'add',
  'concat',
  'output',
  'relu',
  'in',
  'x',
  'skip',
  'flatten',
  'reshape',
  'batchnorm',
  'maxpool2d',
  'depthwise_conv2d',
  'zeropad2d',
  'upsample2d',
  'globalavgpool2d',
  'split',
  'slice',
  'channel_shuffle',
  'axis',
  'a, b =',
  'padding',
  'same',
  'stride',
  'data',
  'epochs',
  'optimizer',
  'adam',
  'shapes',
  'fn',
  'if',
  'else',
  'and',
  'or',
  'not',
  'max',
  'make_divisible',
  '//',
  '%',
  '==',
  '!=',
  '<',
  '>=',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  ';',
  '=',
  '->',
  '×',
  '*',
  '+',
  '-',
  '/',
  '.',
  '0',
  '1',
  '3',
  '-1',
  '32',
  '1e-3',
  '0.5',
  '100000',
  '"s"',
  "'t",
  '"',
  '#',
  '##',
  '\n',
  '\n',
  '\n',
  ' ',
  '@',
];

function tokenSoup(rng: Prng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += rng.pick(VOCABULARY) + (rng.next() < 0.5 ? ' ' : '');
  return out;
}

/** Any UTF-16 code unit, lone surrogates included. */
function randomUnits(rng: Prng, length: number): string {
  return String.fromCharCode(...Array.from({ length }, () => (rng.next() < 0.7 ? 32 + rng.int(95) : rng.int(0x10000))));
}

function randomBytes(rng: Prng, length: number): string {
  return Buffer.from(Array.from({ length }, () => rng.int(256))).toString('latin1');
}

/** Deletes, duplicates or swaps ranges, or inserts random characters. */
function mutate(rng: Prng, text: string): string {
  const a = rng.int(text.length + 1);
  const b = Math.min(text.length, a + rng.int(40));
  switch (rng.int(4)) {
    case 0:
      return text.slice(0, a) + text.slice(b);
    case 1:
      return text.slice(0, b) + text.slice(a, b) + text.slice(b);
    case 2: {
      const c = rng.int(text.length + 1);
      const d = Math.min(text.length, c + rng.int(40));
      return c >= b ? text.slice(0, a) + text.slice(c, d) + text.slice(b, c) + text.slice(a, b) + text.slice(d) : text;
    }
    default:
      return text.slice(0, a) + randomUnits(rng, 1 + rng.int(5)) + text.slice(a);
  }
}

test('random UTF-16 text and random bytes', () => {
  const rng = new Prng(1);
  const problems: string[] = [];
  for (let i = 0; i < 150; i++) problems.push(...probe(`units #${i}`, randomUnits(rng, rng.int(3000))));
  for (let i = 0; i < 150; i++) problems.push(...probe(`bytes #${i}`, randomBytes(rng, rng.int(3000))));
  assert.deepEqual(problems, []);
});

test('token soup', () => {
  const rng = new Prng(2);
  const problems: string[] = [];
  for (let i = 0; i < 400; i++) problems.push(...probe(`soup #${i}`, tokenSoup(rng, rng.int(600))));
  assert.deepEqual(problems, []);
});

test('mutations of every example and fixture', () => {
  const rng = new Prng(3);
  const files = [...strideFiles(EXAMPLES), ...strideFiles(path.join(FIXTURES, 'infer')), ...strideFiles(path.join(FIXTURES, 'parser', 'ok'))];
  const problems: string[] = [];
  for (const file of files) {
    const original = fs.readFileSync(file, 'utf8');
    for (let i = 0; i < 40; i++) {
      let text = original;
      for (let k = 1 + rng.int(4); k > 0; k--) text = mutate(rng, text);
      problems.push(...probe(`${path.basename(file)} mutation #${i}`, text));
    }
  }
  assert.deepEqual(problems, []);
});

test('5 MB inputs: a huge model, huge token soup, one huge line', () => {
  const rng = new Prng(4);
  const layers = 'model Big {\n  input(32, 32, 3)\n' + '  conv2d(8, 3, padding: same) -> batchnorm() -> relu()\n'.repeat(95_000) + '}\n';
  const problems = [
    ...probe('huge model', layers, HUGE_HANG_MS),
    ...probe('huge soup', tokenSoup(rng, 1_300_000), HUGE_HANG_MS),
    ...probe('huge line (a million input dimensions)', 'model M { input(' + '1, '.repeat(1_700_000) + ') }', HUGE_HANG_MS),
    ...probe('huge comment', '#'.repeat(5_000_000), HUGE_HANG_MS),
  ];
  assert.deepEqual(problems, []);
});

test('deep nesting: 100,000 brackets of each kind', () => {
  const n = 100_000;
  const problems = [
    ...probe('parens', `model M {\n  input(${'('.repeat(n)}1${')'.repeat(n)})\n}`, HUGE_HANG_MS),
    ...probe('unclosed parens', `model M {\n  input(${'('.repeat(n)}\n}`, HUGE_HANG_MS),
    ...probe('brackets', `model M {\n  input(${'['.repeat(n)}1${']'.repeat(n)})\n}`, HUGE_HANG_MS),
    ...probe('braces', `model M ${'{'.repeat(n)}${'}'.repeat(n)}`, HUGE_HANG_MS),
    ...probe('minus signs', `model M {\n  input(${'-'.repeat(n)}1)\n}`, HUGE_HANG_MS),
    ...probe('mixed', `model M {\n  input(${'([-'.repeat(n / 2)}\n}`, HUGE_HANG_MS),
    ...probe('chains', `model M {\n  input(4)\n  ${'relu() -> '.repeat(n)}relu()\n}`, HUGE_HANG_MS),
    ...probe('merge chains', `model M {\n  x = input(4)\n  add(x${' -> relu()'.repeat(n)})\n}`, HUGE_HANG_MS),
  ];
  assert.deepEqual(problems, []);
});

test('unterminated strings, blocks and calls at the end of the text', () => {
  const cases = [
    '"',
    "'",
    'model M { input(4) "',
    'model',
    'model M',
    'model M {',
    'block b(',
    'block b(x',
    'block b(x) {',
    'train',
    'train M {',
    'train M { data:',
    'model M { input(',
    'model M { input(4) -> ',
    'model M { input(4) ×',
    'model M { a =',
    'model M { add(x ->',
  ];
  const problems = cases.flatMap((text, i) => probe(`truncated #${i}`, text));
  assert.deepEqual(problems, []);
});

// Regressions: each of these once hung (quadratic argument binding, edit distance on a megabyte name,
// a "known names" list repeated in every message). Lexer-plus-parser double errors are in parser/err fixtures.
test('pathological sizes: huge names, huge repeats, many tensors', () => {
  const long = 'q'.repeat(1_000_000);
  const tensors = Array.from({ length: 5_000 }, (_, i) => `  t${i} = relu()`).join('\n');
  const problems = [
    ...probe('huge layer name', `model M {\n  input(4)\n  ${long}(3)\n}`, HUGE_HANG_MS),
    ...probe('huge tensor name', `model M {\n  input(4)\n  add(${long})\n}`, HUGE_HANG_MS),
    ...probe('huge argument name', `model M {\n  input(4)\n  dense(4, ${long}: 1)\n}`, HUGE_HANG_MS),
    ...probe('huge repeat', 'block b() {\n  relu() × 100000\n}\nmodel M {\n  input(4)\n  b() × 100000\n}', HUGE_HANG_MS),
    ...probe('many tensors, many typos', `model M {\n  input(4)\n${tensors}\n${'  add(tx)\n'.repeat(500)}}`, HUGE_HANG_MS),
    ...probe('huge number', `model M {\n  input(${'9'.repeat(100_000)})\n  dense(1e308 * 10)\n}`, HUGE_HANG_MS),
  ];
  assert.deepEqual(problems, []);
});
