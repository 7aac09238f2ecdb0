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
  // Builtins the export calls, and nn.Module members an attribute of the same name would hide.
  'float',
  'int',
  'super',
  'training',
  'forward',
  'train',
  'eval',
  'type',
  'to',
  'apply',
  'cpu',
  'cuda',
  'double',
  'half',
  'bfloat16',
  'parameters',
  'buffers',
  'modules',
  'children',
  'state_dict',
  'load_state_dict',
  'zero_grad',
  'add_module',
  'register_buffer',
  'register_parameter',
  'register_module',
  'requires_grad_',
  'extra_repr',
  'named_modules',
  'named_parameters',
  'named_buffers',
  'named_children',
  'get_submodule',
  'get_parameter',
  'get_buffer',
  'share_memory',
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
