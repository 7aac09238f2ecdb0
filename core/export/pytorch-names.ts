// Python identifiers for the PyTorch export: node, tensor and block names made safe to write as Python names.

const RESERVED = new Set([
  'F',
  'nn',
  'torch',
  'self',
  'and',
  'as',
  'assert',
  'class',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'for',
  'from',
  'global',
  'if',
  'import',
  'is',
  'lambda',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
  'None',
  'True',
  'False',
]);

/** A Python identifier for a node name: `basic_1/conv2d_2` → `basic_1__conv2d_2`; keywords get a trailing `_`. */
export function pyName(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '__').replace(/^(\d)/, '_$1');
  return RESERVED.has(id) ? `${id}_` : id;
}

/** A Python class name for a block: `squeeze_excite` → `SqueezeExcite`. */
export function className(block: string): string {
  const camel = block
    .split(/_+/)
    .filter((w) => w.length > 0)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
  return pyName(camel || 'Block');
}
