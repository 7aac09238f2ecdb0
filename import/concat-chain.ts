// DenseNet's growing concatenations rewritten so each reads the previous one: `concat(x0, c1, c2)` after
// `d = concat(x0, c1)` becomes `concat(d, c2)`, the same channels in the same order, and each dense layer becomes a
// single-entry single-exit run that block recovery can see.

import type { Line } from './render';

/** The tensors a line concatenates, when it is exactly the importer's `concat(a, b, …)` of its inputs. */
function concatenated(line: Line): readonly string[] | null {
  if (!line.explicit || line.inputs.length < 2) return null;
  return line.call((t) => t) === `concat(${line.inputs.join(', ')})` ? line.inputs : null;
}

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((t, i) => t === b[i]);

/** Each concatenation whose leading inputs are exactly an earlier concatenation's inputs reads that one instead. */
export function chainConcats(lines: readonly Line[]): Line[] {
  const earlier: { out: string; inputs: readonly string[] }[] = [];
  return lines.map((line) => {
    const inputs = concatenated(line);
    if (!inputs) return line;
    earlier.push({ out: line.out, inputs });
    // The longest earlier prefix: concatenation is associative, so the channels and their order are unchanged.
    const prefix = earlier
      .filter((e) => e.inputs.length < inputs.length && same(e.inputs, inputs.slice(0, e.inputs.length)))
      .sort((a, b) => b.inputs.length - a.inputs.length)[0];
    if (!prefix) return line;
    const chained = [prefix.out, ...inputs.slice(prefix.inputs.length)];
    return { ...line, inputs: chained, call: (ref) => `concat(${chained.map(ref).join(', ')})` };
  });
}
