// Random edits of Stride text for the incremental-analysis tests: what typing does, and what breaks syntax.

import type { Prng } from '../helpers/prng';

const NAMES = ['relu', 'dense', 'conv2d', 'x3', 'x1', 'relu_3', 'relu_5', 'conv2d_2', 'add', 'res', 'output', 'foo', 'split', 'flatten'];
const SNIPPETS = ['(', ')', ',', ' ', '\n', '->', ' = ', '#', '## doc\n', '×', '* 2', '"', '1', '0', '.5', 'padding: same', ';', '{', '}', 'if '];

/** One random edit: mostly near a statement (where the quick path applies), sometimes anywhere. */
export function randomEdit(text: string, rng: Prng): string {
  const at = position(text, rng);
  switch (rng.int(6)) {
    case 0:
    case 1:
      return changeNumber(text, at, rng);
    case 2:
      return text.slice(0, at) + rng.pick(SNIPPETS) + text.slice(at);
    case 3:
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + rng.int(6)));
    case 4:
      return rename(text, at, rng);
    default:
      return text.slice(0, at) + String(rng.int(100)) + text.slice(at);
  }
}

/** A position inside a random line that holds a call: most edits should land in a statement. */
function position(text: string, rng: Prng): number {
  for (let tries = 0; tries < 20; tries++) {
    const at = rng.int(text.length + 1);
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    let lineEnd = text.indexOf('\n', at);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    if (line.includes('(') || rng.next() < 0.1) return lineStart + rng.int(line.length + 1);
  }
  return rng.int(text.length + 1);
}

/** Replaces a call argument's number on the line of `at` (what typing mostly changes) with another, or a broken one. */
function changeNumber(text: string, at: number, rng: Prng): string {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const m = /[(,] *(\d+(\.\d+)?)/.exec(text.slice(lineStart, lineStart + 200));
  if (!m) return text;
  const start = lineStart + m.index + m[0].length - m[1].length;
  m[0] = m[1];
  const value = rng.pick(['0', '1', '2', '3', '7', '16', '64', '100000', '1.5', '-1', '', '1e9']);
  return text.slice(0, start) + value + text.slice(start + m[0].length);
}

/** Replaces the identifier at or after `at` with another name. */
function rename(text: string, at: number, rng: Prng): string {
  const m = /[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at, at + 40));
  if (!m) return text;
  const start = at + m.index;
  return text.slice(0, start) + rng.pick(NAMES) + text.slice(start + m[0].length);
}
