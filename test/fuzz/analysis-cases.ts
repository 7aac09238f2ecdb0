// Generated inputs for the analysis fuzz tier: nesting and repetition bombs, call chains and random block programs.

import type { Prng } from '../helpers/prng';

/** One generated input, with the family it came from (outcomes are tallied per family). */
export interface AnalysisCase {
  readonly family: string;
  readonly text: string;
}

const LAYERS = ['relu()', 'dense(8)', 'conv2d(4, 3)', 'maxpool2d(2)', 'flatten()', 'batchnorm()', 'dropout(0.1)', 'add(skip)', 'foo(1)', 'dense(x = 2)'];
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

/** A program cut or corrupted at a random place: the budget must hold on broken text too. */
function corrupted(random: Prng): AnalysisCase {
  const base = random.pick([nestedBomb, callChain, randomProgram])(random).text;
  const at = random.int(base.length);
  const junk = random.pick(['', '}', '{', '(', ' × ', '\n', 'block', '×××', '\u0000']);
  return { family: 'corrupted', text: base.slice(0, at) + junk + base.slice(at + random.int(20)) };
}

/** The next generated input. */
export function analysisCase(random: Prng): AnalysisCase {
  return random.pick([nestedBomb, callChain, randomProgram, corrupted])(random);
}
