// Generated inputs for the analysis fuzz tier: nesting and repetition bombs, call chains, function bombs, random block programs.

import type { Prng } from '../helpers/prng';

/** One generated input, with the family it came from (outcomes are tallied per family). */
export interface AnalysisCase {
  readonly family: string;
  readonly text: string;
}

const LAYERS = [
  'relu()',
  'dense(8)',
  'conv2d(4, 3)',
  'maxpool2d(2)',
  'flatten()',
  'batchnorm()',
  'dropout(0.1)',
  'add(skip)',
  'foo(1)',
  'dense(x = 2)',
  'p, q = split(2)',
  'p, q, r = split((1, 2))',
  'slice(1, -1)',
  'channel_shuffle(2)',
];
// Padding in every form (some invalid), broadcasting merges and the residual-branch layers.
LAYERS.push('conv2d(4, 3, padding: 1)', 'maxpool2d(3, padding: (1, 0, 1, 1))', 'avgpool2d(3, padding: 2, count_include_pad: false)');
LAYERS.push('multiply(skip -> globalavgpool2d(keepdims: true))', 'scale(init: 1e-6)', 'drop_path(0.2)', 'hard_swish()');
const REPEATS = [1, 2, 3, 10, 1000, 100_000, 100_001, 1e8, 0, -1, 2.5];

const repeatText = (random: Prng) => (random.int(3) === 0 ? ` × ${random.pick(REPEATS)}` : '');
const blockName = (i: number, long: boolean) => (long ? `b${i}_${'n'.repeat(200)}` : `b${i}`);

/** `depth` blocks, each calling the one below `times` times: 2^400 layers in a few kilobytes. */
function nestedBomb(random: Prng): AnalysisCase {
  const depth = 1 + random.int(random.int(4) === 0 ? 400 : 40);
  const times = random.pick([1, 2, 2, 3, 10, 100_000]);
  const long = random.int(5) === 0;
  let text = `block ${blockName(0, long)}() {\n  ${random.pick(LAYERS)} × ${times}\n}\n`;
  for (let i = 1; i < depth; i++) text += `block ${blockName(i, long)}() {\n  ${blockName(i - 1, long)}() × ${times}\n}\n`;
  return { family: 'nested repeat', text: `${text}model M {\n  input(8, 8, 3) -> ${blockName(depth - 1, long)}()${repeatText(random)}\n}\n` };
}

/** A chain of blocks each calling the next, sometimes closing into a cycle. */
function callChain(random: Prng): AnalysisCase {
  const length = 1 + random.int(2000);
  const cycle = random.int(4) === 0;
  let text = '';
  for (let i = 0; i < length - 1; i++) text += `block c${i}() {\n  c${i + 1}()\n}\n`;
  text += `block c${length - 1}() {\n  ${cycle ? 'c0()' : 'relu()'}\n}\n`;
  return { family: cycle ? 'call cycle' : 'call chain', text: `${text}model M {\n  input(4) -> c0()\n}\n` };
}

/** Several small blocks calling each other at random (cycles, repeats, merges, errors), used by a few models. */
function randomProgram(random: Prng): AnalysisCase {
  const blocks = 1 + random.int(8);
  let text = '';
  for (let b = 0; b < blocks; b++) {
    const body: string[] = ['skip = relu()'];
    for (let s = random.int(5); s >= 0; s--) {
      const call = random.int(2) === 0 ? `r${random.int(blocks)}()` : random.pick(LAYERS);
      body.push(`${call}${repeatText(random)}`);
    }
    text += `block r${b}(x = 1) {\n  ${body.join('\n  ')}\n}\n`;
  }
  for (let m = random.int(3); m >= 0; m--) {
    text += `model M${m} {\n  input(8, 8, 3) -> r${random.int(blocks)}()${repeatText(random)} -> transformer_encoder(3, 1)${repeatText(random)}\n}\n`;
  }
  return { family: 'random program', text };
}

/** A chain of value functions each calling the next twice (2^depth calls), sometimes closing into a cycle. */
function functionBomb(random: Prng): AnalysisCase {
  const depth = 1 + random.int(random.int(3) === 0 ? 200 : 70);
  const cycle = random.int(4) === 0;
  let text = '';
  for (let i = 0; i < depth; i++) text += `fn f${i}(x) {\n  f${i + 1}(x) + f${i + 1}(x // 2)\n}\n`;
  text += `fn f${depth}(x) {\n  ${cycle ? 'f0(x)' : 'max(1, x % 7)'}\n}\n`;
  const use = random.pick(['dense(f0(3))', 'relu() × f0(1)', 'b(f0(2))']);
  text += `block b(n) {\n  if n > f0(1) {\n    dense(n)\n  }\n}\n`;
  return { family: cycle ? 'function cycle' : 'function bomb', text: `${text}model M {\n  input(4)\n  ${use}\n}\n` };
}

const ATOMS = ['n', 'k', '0', '1', '2', '3', '7', '-1', '2.5', 'true', 'false', 'relu', '"s"', '(1, 2)', 'x'];
const BINARY = ['+', '-', '*', '/', '//', '%', '==', '!=', '<', '<=', '>', '>=', 'and', 'or'];
const CALLS = ['min', 'max', 'round', 'floor', 'ceil', 'abs', 'int', 'sqrt', 'log', 'pow', 'make_divisible', 'g', 'nope'];

/** A random value expression: every operator, built-in and conditional, well typed or not. */
function expression(random: Prng, depth: number): string {
  if (depth <= 0 || random.int(3) === 0) return random.pick(ATOMS);
  const sub = () => expression(random, depth - 1);
  switch (random.int(5)) {
    case 0:
      return `${sub()} ${random.pick(BINARY)} ${sub()}`;
    case 1:
      return `${sub()} if ${sub()} else ${sub()}`;
    case 2:
      return `${random.pick(CALLS)}(${Array.from({ length: random.int(3) }, sub).join(', ')})`;
    case 3:
      return `${random.pick(['-', 'not '])}${sub()}`;
    default:
      return `(${sub()})`;
  }
}

/** Blocks whose bodies branch on random conditions (nested, with else if and else) and whose values are random expressions. */
function conditionalProgram(random: Prng): AnalysisCase {
  const value = () => expression(random, 1 + random.int(4));
  const statements = (depth: number): string[] => {
    const out: string[] = [];
    for (let s = random.int(4); s >= 0; s--) {
      if (depth > 0 && random.int(3) === 0) {
        const branches = [`if ${value()} {`, ...statements(depth - 1), '}'];
        if (random.int(2) === 0) branches.push(`else if ${value()} {`, ...statements(depth - 1), '}');
        if (random.int(2) === 0) branches.push('else {', ...statements(depth - 1), '}');
        out.push(branches.join('\n'));
      } else out.push(random.pick([`dense(${value()})`, `t${random.int(3)} = relu() × (${value()})`, 'add(t0)', `b0(${value()})`]));
    }
    return out;
  };
  let text = `fn g(a, b = ${value()}) {\n  c = ${value()}\n  ${value()}\n}\n`;
  for (let b = 0; b < 1 + random.int(3); b++) text += `block b${b}(n, k = ${value()}) {\n${statements(3).join('\n')}\n}\n`;
  text += `model M {\n  input(8)\n  b${random.int(3)}(${value()})\n${statements(2).join('\n')}\n}\n`;
  return { family: 'conditional program', text };
}

/** A program cut or corrupted at a random place: the budget must hold on broken text too. */
function corrupted(random: Prng): AnalysisCase {
  const base = random.pick([nestedBomb, callChain, randomProgram, functionBomb, conditionalProgram])(random).text;
  const at = random.int(base.length);
  const junk = random.pick(['', '}', '{', '(', ' × ', '\n', 'block', '×××', '\u0000']);
  return { family: 'corrupted', text: base.slice(0, at) + junk + base.slice(at + random.int(20)) };
}

/** The next generated input. */
export function analysisCase(random: Prng): AnalysisCase {
  return random.pick([nestedBomb, callChain, randomProgram, functionBomb, conditionalProgram, corrupted])(random);
}
