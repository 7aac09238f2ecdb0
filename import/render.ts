// Writes the importer's statements as Stride text: names only where a tensor is used other than by the next line.

export interface Line {
  readonly out: string;
  readonly inputs: readonly string[];
  readonly call: (ref: (t: string) => string) => string;
  readonly node?: string;
  /** A merge that lists every input by name (`concat(a, b)`), the previous line included. */
  readonly explicit?: boolean;
}

const RESERVED = new Set(['in', 'model', 'block', 'train', 'fn', 'input', 'out']);

/** A Stride identifier from an ONNX name: `/layer1/layer1.0/relu/Relu_output_0` → `layer1_0_relu`. */
function identifier(raw: string, taken: Set<string>): string {
  let base =
    raw
      .replace(/_output_\d+$/, '')
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

function namesNeeded(lines: readonly Line[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  // A tensor is named after the ONNX node that produced it, which says where it sits in the original model.
  const producer = new Map(lines.map((l) => [l.out, l.node ?? l.out]));
  const need = (t: string) => {
    if (!names.has(t)) names.set(t, identifier(producer.get(t) ?? t, taken));
  };
  lines.forEach((l, i) => {
    if (l.inputs.length > 0 && (l.explicit || lines[i - 1]?.out !== l.inputs[0])) need(l.inputs[0]);
    for (const t of l.inputs.slice(1)) need(t);
  });
  return names;
}

/** The `.stride` text of one model built from `lines` (the first is its input). */
export function render(lines: readonly Line[], name: string, graph: string): string {
  const names = namesNeeded(lines);
  const ref = (t: string): string => names.get(t) as string;
  const body = lines.map((l, i) => {
    const lhs = names.has(l.out) ? `${ref(l.out)} = ` : '';
    const src = i > 0 && !l.explicit && lines[i - 1].out !== l.inputs[0] ? `${ref(l.inputs[0])} -> ` : '';
    const note = l.node ? `  # ${l.node}` : '';
    return `  ${lhs}${src}${l.call(ref)}${note}`;
  });
  return `# Imported from the ONNX graph '${graph}'.\n\nmodel ${name} {\n${body.join('\n')}\n}\n`;
}
