// Short text for node labels: the arguments that tell one layer from another.

import type { ArgSpec, ArgValue } from '../../core/model/registry';
import type { GraphNode } from '../../core/model/graph';

/** Arguments that rarely matter when reading an architecture; the hover in the editor still shows them. */
const QUIET = new Set(['l1', 'l2', 'momentum', 'epsilon', 'center', 'scale', 'inputs', 'shape']);
const MAX_ARGS_TEXT = 40;

/** The non-default arguments of a layer in short form: `64, 3×3, /2, same, no bias`. */
export function keyArgs(node: GraphNode): string {
  const specs = node.def?.args ?? [];
  const parts: string[] = [];
  for (const spec of specs) {
    if (QUIET.has(spec.name)) continue;
    const value = node.args[spec.name];
    if (value === undefined || value === null || isDefault(spec, value)) continue;
    parts.push(argText(spec, value));
  }
  const text = parts.join(', ');
  return text.length > MAX_ARGS_TEXT ? `${text.slice(0, MAX_ARGS_TEXT - 1)}…` : text;
}

function isDefault(spec: ArgSpec, value: ArgValue): boolean {
  if (!('default' in spec)) return false;
  return sameValue(normalize(spec.default ?? null), normalize(value));
}

/** `(3, 3)` and `3` mean the same for a per-axis argument. */
function normalize(value: ArgValue): ArgValue {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v === value[0])) return value[0];
  return value;
}

function sameValue(a: ArgValue, b: ArgValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

function argText(spec: ArgSpec, value: ArgValue): string {
  const plain = Array.isArray(value) ? value.join('×') : String(value);
  switch (spec.name) {
    case 'kernel':
    case 'pool':
    case 'size':
      return Array.isArray(value) ? plain : `${plain}×${plain}`;
    case 'stride':
      return `/${Array.isArray(value) && normalize(value) !== value ? normalize(value) : plain}`;
    case 'padding':
    case 'activation':
    case 'fn':
    case 'interpolation':
      return plain;
    case 'bias':
      return value === false ? 'no bias' : 'bias';
    default:
      return 'default' in spec ? `${spec.name} ${plain}` : plain;
  }
}
