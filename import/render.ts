// Writes the importer's statements as Stride text: names only where a tensor is used other than by the next line (or
// is one of several outputs), repeated sub-graphs as blocks.

import { recoverBlocks, type Block } from './blocks';

export interface Line {
  readonly out: string;
  readonly inputs: readonly string[];
  readonly call: (ref: (t: string) => string) => string;
  readonly node?: string;
  /** A merge that lists every input by name (`concat(a, b)`), the previous line included. */
  readonly explicit?: boolean;
}

/** One of the model's outputs: the tensor a line writes, and the name the file gives it. */
export interface ModelOutput {
  readonly tensor: string;
  readonly name: string;
}

const RESERVED = new Set(['in', 'model', 'block', 'train', 'fn', 'input', 'out', 'output']);

/**
 * A Stride identifier from an ONNX name: `/layer1/layer1.0/relu/Relu_output_0` → `layer1_0_relu`; Stride's own
 * `encoder_1/attended:LayerNormalization` → `attended`.
 */
function identifier(raw: string, taken: Set<string>): string {
  let base =
    raw
      .replace(/_output_\d+$/, '')
      .replace(/:[A-Za-z]+(_\d+)?$/, '')
      .replace(/\/[A-Za-z]+$/, '')
      .split('/')
      .filter(Boolean)
      .pop() ?? raw;
  base = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/^_+|_+$/g, '') || 't';
  if (/^\d/.test(base) || RESERVED.has(base)) base = `t_${base}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/**
 * Names for the tensors used other than by the next line. `prev` is the tensor current before the first line (a
 * block's `in`); `names` may hold names already given, `taken` names not to give.
 */
function namesNeeded(lines: readonly Line[], prev?: string, names = new Map<string, string>(), taken = new Set<string>()): Map<string, string> {
  // A tensor is named after the ONNX node that produced it, which says where it sits in the original model.
  const producer = new Map(lines.map((l) => [l.out, l.node ?? l.out]));
  const need = (t: string) => {
    if (!names.has(t)) names.set(t, identifier(producer.get(t) ?? t, taken));
  };
  lines.forEach((l, i) => {
    const before = i > 0 ? lines[i - 1].out : prev;
    if (l.inputs.length > 0 && (l.explicit || before !== l.inputs[0])) need(l.inputs[0]);
    for (const t of l.inputs.slice(1)) need(t);
  });
  return names;
}

/** The statements of a model or block body, indented, each with its node as a comment. */
function statements(lines: readonly Line[], names: Map<string, string>, prev?: string): string[] {
  const ref = (t: string): string => names.get(t) as string;
  return lines.map((l, i) => {
    const before = i > 0 ? lines[i - 1].out : prev;
    const lhs = names.has(l.out) && l.out !== prev ? `${ref(l.out)} = ` : '';
    const src = l.inputs.length > 0 && !l.explicit && before !== l.inputs[0] ? `${ref(l.inputs[0])} -> ` : '';
    const note = l.node ? `  # ${l.node}` : '';
    return `  ${lhs}${src}${l.call(ref)}${note}`;
  });
}

function blockText(b: Block): string {
  const names = namesNeeded(b.body, b.entry, new Map([[b.entry, 'in']]), new Set([...RESERVED, ...b.params]));
  return `## ${b.doc}\nblock ${b.name}(${b.params.join(', ')}) {\n${statements(b.body, names, b.entry).join('\n')}\n}\n\n`;
}

/** `output(a, b, …)`: a line that reads every output, so blocks end before it and each output is named. */
function outputLine(outputs: readonly ModelOutput[]): Line {
  return { out: '', inputs: outputs.map((o) => o.tensor), call: (ref) => `output(${outputs.map((o) => ref(o.tensor)).join(', ')})`, explicit: true };
}

/**
 * The `.stride` text of one model built from `lines` (the first is its input); repeated sub-graphs become blocks
 * unless `flat`. Several `outputs` are declared by an `output(…)` line, each named as the file names it; one output
 * is the last line.
 */
export function render(lines: readonly Line[], name: string, graph: string, flat = false, outputs: readonly ModelOutput[] = []): string {
  const all = outputs.length > 1 ? [...lines, outputLine(outputs)] : lines;
  const { blocks, lines: body } = flat ? { blocks: [], lines: all } : recoverBlocks(all);
  const taken = new Set(blocks.map((b) => b.name));
  // Several inputs and several outputs are each named, as the file names them.
  const sources = lines.filter((l) => l.inputs.length === 0);
  const given = [
    ...(sources.length > 1 ? sources.map((l) => [l.out, identifier(l.out, taken)] as const) : []),
    ...(outputs.length > 1 ? outputs.map((o) => [o.tensor, identifier(o.name, taken)] as const) : []),
  ];
  const names = namesNeeded(body, undefined, new Map(given), taken);
  return `# Imported from the ONNX graph '${graph}'.\n\n${blocks.map(blockText).join('')}model ${name} {\n${statements(body, names).join('\n')}\n}\n`;
}
