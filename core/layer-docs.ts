// Layer documentation rendered from the registry: signatures for hover/completion and the docs/layers.md reference.

import type { ArgSpec, ArgValue, LayerDef, LayerRegistry } from './model/registry';

function formatDefault(v: ArgValue): string {
  if (v === null) return 'auto';
  if (Array.isArray(v)) return v.length === 1 ? String(v[0]) : `(${v.join(', ')})`;
  return String(v);
}

function argText(a: ArgSpec): string {
  if (a.rest) return `${a.name}…`;
  return a.default === undefined ? a.name : `${a.name} = ${formatDefault(a.default)}`;
}

/** `conv2d(filters, kernel, stride = 1, padding = valid, …)`. */
export function layerSignature(def: LayerDef): string {
  return `${def.kind}(${def.args.map(argText).join(', ')})`;
}

function typeText(a: ArgSpec): string {
  const t = a.type;
  switch (t.type) {
    case 'enum':
      return t.values.join(' \\| ');
    case 'ints':
      return 'int or tuple';
    case 'dims':
      return 'dimensions';
    case 'tensors':
      return 'tensor names';
    default:
      return t.type;
  }
}

/** Markdown for one layer kind: summary, signature, parameter formula and argument table. */
export function layerMarkdown(def: LayerDef): string {
  const lines = [`### \`${def.kind}\``, '', def.summary, '', '```', layerSignature(def), '```'];
  if (def.aliases?.length) lines.push('', `Also: ${def.aliases.map((a) => `\`${a}\``).join(', ')}.`);
  if (def.paramsDoc) lines.push('', `Parameters: ${def.paramsDoc}`);
  if (def.args.length > 0) {
    lines.push('', '| argument | type | default | meaning |', '| --- | --- | --- | --- |');
    for (const a of def.args) {
      const dflt = a.rest ? '' : a.default === undefined ? 'required' : formatDefault(a.default);
      lines.push(`| \`${a.name}\`${a.namedOnly ? ' (named)' : ''} | ${typeText(a)} | ${dflt} | ${a.doc.replace(/\|/g, '\\|')} |`);
    }
  }
  return lines.join('\n');
}

const CATEGORY_TITLES: Record<string, string> = {
  input: 'Inputs',
  convolution: 'Convolution',
  pooling: 'Pooling',
  normalization: 'Normalization',
  regularization: 'Regularization',
  core: 'Core',
  activation: 'Activations',
  merge: 'Merges',
  spatial: 'Spatial',
  recurrent: 'Recurrent',
  attention: 'Attention',
};

/** The whole catalogue as one Markdown document, grouped by category in registration order. */
export function layerReference(registry: LayerRegistry): string {
  const out = [
    '# Layer reference',
    '',
    'Generated from the layer registry (`core/model/layers/`); regenerate with `npm run docs`. Shapes are channels-last with the batch dimension implicit; parameter counts follow Keras.',
  ];
  const categories = [...new Set(registry.all().map((d) => d.category))];
  for (const category of categories) {
    out.push('', `## ${CATEGORY_TITLES[category] ?? category}`);
    for (const def of registry.all().filter((d) => d.category === category)) out.push('', layerMarkdown(def));
  }
  return out.join('\n') + '\n';
}
