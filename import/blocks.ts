// Recovers repeated sub-graphs of the importer's flat statements as `block`s: instances with the same layers up to
// numbers become one block whose differing numbers are parameters; equal neighbours are written `× N`.

import { defaultRegistry } from '../core/model/layers';
import { chainConcats } from './concat-chain';
import type { Line } from './render';
import { entryOf, namedSegments, producers, singleEntryExit, structuralSegments, type Segment } from './segments';

/** One recovered block: `body` are the first instance's lines, whose calls use the parameters. */
export interface Block {
  readonly name: string;
  readonly params: readonly string[];
  /** The tensor the body starts from, written `in`. */
  readonly entry: string;
  readonly body: readonly Line[];
  readonly doc: string;
}

export interface Recovered {
  readonly blocks: readonly Block[];
  /** The model's lines, each run of instances replaced by one call line. */
  readonly lines: readonly Line[];
}

/** A line's call with tensors as markers `\u0001k\u0002` (k: index into `refs`) and its numbers cut out. */
interface Template {
  readonly pieces: readonly string[];
  readonly numbers: readonly string[];
  readonly refs: readonly string[];
}

interface Instance {
  readonly seg: Segment;
  readonly key: string;
  readonly templates: readonly Template[];
  readonly numbers: readonly string[];
}

const NUMBER = /(?<![\w.\u0001])\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;
const MARK = /\u0001(\d+)\u0002/g;

/**
 * `conv2d(64, 3, padding: 1)` as `conv2d(64, 3, stride: 1, padding: 1)`: a stride left at its default is written,
 * so blocks that differ only in stride (MobileNet's strided and unstrided units) are one block with a parameter.
 */
function explicitStride(text: string): string {
  const kind = /^(\w+)\(/.exec(text)?.[1] ?? '';
  if (/\bstride:/.test(text) || defaultRegistry.get(kind)?.args.find((a) => a.name === 'stride')?.default !== 1) return text;
  let depth = 0;
  for (let i = kind.length; i < text.length; i++) {
    depth += text[i] === '(' ? 1 : text[i] === ')' ? -1 : 0;
    const named = depth === 1 && /^, \w+:/.test(text.slice(i));
    if (named || depth === 0) return `${text.slice(0, i)}, stride: 1${text.slice(i)}`;
  }
  return text;
}

function template(line: Line): Template {
  const refs: string[] = [];
  const text = explicitStride(line.call((t) => `\u0001${refs.push(t) - 1}\u0002`));
  return { pieces: text.split(NUMBER), numbers: text.match(NUMBER) ?? [], refs };
}

/** The shape of a segment, the same for two instances exactly when they differ in numbers only. */
function instanceOf(lines: readonly Line[], seg: Segment, made: Map<string, number>): Instance {
  const entry = entryOf(lines, seg.start);
  const rel = (t: string): string => (t === entry ? 'in' : String((made.get(t) ?? -1e9) - seg.start));
  const templates: Template[] = [];
  const keys: string[] = [];
  for (let i = seg.start; i < seg.end; i++) {
    const t = template(lines[i]);
    const text = t.pieces.join('#').replace(MARK, (_m, k: string) => `@${rel(t.refs[Number(k)])}`);
    keys.push(`${rel(lines[i].inputs[0] ?? '')}${lines[i].explicit ? '!' : ''} ${text}`);
    templates.push(t);
  }
  return { seg, key: keys.join('\n'), templates, numbers: templates.flatMap((t) => t.numbers) };
}

/** The name of the argument holding the number that ends `prefix`: a keyword, or the layer's positional parameter. */
function argumentName(prefix: string): string {
  const frames: { kind: string; index: number; named?: string }[] = [];
  for (const m of prefix.matchAll(/([A-Za-z_]\w*)\s*\(|\(|\)|,|([A-Za-z_]\w*)\s*:/g)) {
    const top = frames[frames.length - 1];
    if (m[0].endsWith('(')) frames.push({ kind: m[1] ?? '', index: 0 });
    else if (m[0] === ')') frames.pop();
    else if (m[0] === ',' && top) Object.assign(top, { index: top.index + 1, named: undefined });
    else if (m[2] && top) top.named = m[2];
  }
  const call = [...frames].reverse().find((f) => f.kind !== '');
  if (!call) return 'n';
  const positional = defaultRegistry.get(call.kind)?.args.filter((a) => !a.rest)[call.index]?.name;
  return call.named ?? positional ?? 'n';
}

/** The numbers that differ between instances, one parameter per distinct column of values, named after its argument. */
function parameters(family: readonly Instance[]): { names: string[]; of: (number | undefined)[]; columns: number[] } {
  const first = family[0];
  const names: string[] = [];
  const columns: number[] = [];
  const byValues = new Map<string, number>();
  const of: (number | undefined)[] = [];
  const prefixes = first.templates.flatMap((t) => t.numbers.map((_n, k) => t.pieces.slice(0, k + 1).join('0')));
  first.numbers.forEach((_n, k) => {
    const values = family.map((inst) => Number(inst.numbers[k]));
    if (values.every((v) => v === values[0])) return of.push(undefined);
    const key = values.join(',');
    if (!byValues.has(key)) {
      byValues.set(key, names.length);
      const base = argumentName(prefixes[k]);
      let name = base;
      for (let i = 2; names.includes(name); i++) name = `${base}_${i}`;
      names.push(name);
      columns.push(k);
    }
    of.push(byValues.get(key));
  });
  return { names, of, columns };
}

/** A line's node name relative to its instance (`conv1/Conv`), when every instance of the family has that same one. */
function relativeNode(lines: readonly Line[], family: readonly Instance[], j: number): string | undefined {
  const rel = family.map(({ seg }) => {
    const node = lines[seg.start + j].node;
    return seg.prefix && node?.startsWith(`${seg.prefix}/`) ? node.slice(seg.prefix.length + 1) : undefined;
  });
  return rel.every((r) => r === rel[0]) ? rel[0] : undefined;
}

/** The block's body: the first instance's lines, each number either kept or replaced by its parameter. */
function bodyOf(lines: readonly Line[], family: readonly Instance[], params: { names: string[]; of: (number | undefined)[] }): Line[] {
  const inst = family[0];
  let k = 0;
  return inst.templates.map((t, j) => {
    const line = lines[inst.seg.start + j];
    const text = t.pieces.map((p, i) =>
      i === 0 ? p : `${params.of[k + i - 1] === undefined ? t.numbers[i - 1] : params.names[params.of[k + i - 1] as number]}${p}`,
    );
    k += t.numbers.length;
    // A stride that stayed at its default in every instance goes back to being left out (only where 1 is the
    // default: a pooling's stride 1 is written, its default is the window).
    const whole = text.join('');
    const joined = explicitStride(whole.replace(/, stride: 1(?=[,)])/, '')) === whole ? whole.replace(/, stride: 1(?=[,)])/, '') : whole;
    const node = relativeNode(lines, family, j);
    return { ...line, node, call: (ref) => joined.replace(MARK, (_m, i: string) => ref(t.refs[Number(i)])) };
  });
}

/** A name for what the block does: a residual unit (with a projected shortcut or not), a dense layer, else a unit. */
function blockName(body: readonly Line[], entry: string, taken: Set<string>): string {
  const calls = body.map((l) => l.call((t) => (t === entry ? 'in' : 'x')));
  const branch = body.some((l, i) => i > 0 && !l.explicit && l.inputs[0] !== body[i - 1].out);
  const base = calls.some((c) => c.startsWith('add('))
    ? branch
      ? 'residual_projection'
      : 'residual'
    : calls.some((c) => c.startsWith('concat(in,'))
      ? 'dense_layer'
      : calls.some((c) => c.startsWith('concat('))
        ? 'concat_unit'
        : 'unit';
  let name = base;
  for (let i = 2; taken.has(name) || defaultRegistry.get(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/** Where the runs came from, for the call line's comment: every instance, or the first and last of a long run. */
function labelOf(run: readonly Instance[]): string {
  const labels = run.map((r) => r.seg.label);
  return labels.length <= 3 ? labels.join(', ') : `${labels[0]} … ${labels[labels.length - 1]}`;
}

/**
 * Whether a block of `size` lines used `count` times makes the file shorter: its definition costs two lines more than
 * its body, each call one (a hand-written file does not wrap two conv-relu pairs in a block).
 */
const shortens = (size: number, count: number): boolean => size * count > size + 2 + count;

/** Instances grouped by shape, in the order of their first appearance; only shapes repeated enough to shorten the file. */
function families(lines: readonly Line[], segments: readonly Segment[]): Instance[][] {
  const made = producers(lines);
  const byKey = new Map<string, Instance[]>();
  for (const seg of segments) {
    // A block of one layer would only rename it.
    if (seg.end - seg.start < 2) continue;
    const inst = instanceOf(lines, seg, made);
    byKey.set(inst.key, [...(byKey.get(inst.key) ?? []), inst]);
  }
  return [...byKey.values()].filter((f) => shortens(f[0].seg.end - f[0].seg.start, f.length));
}

/** The segments: by module names when they give at least one repeated shape, else by structure. */
function segmentsOf(lines: readonly Line[]): Segment[] {
  const named = namedSegments(lines);
  if (families(lines, named).length > 0) return named;
  const made = producers(lines);
  const category = (i: number) => defaultRegistry.get(/^(\w+)\(/.exec(lines[i].call(() => ''))?.[1] ?? '')?.category;
  // An activation, or a normalization right after a layer with weights, belongs to the layer before it.
  const follows = (s: Segment) => {
    const [kind, before] = [category(s.start), category(s.start - 1)];
    return kind === 'activation' || (kind === 'normalization' && (before === 'convolution' || before === 'core'));
  };
  return structuralSegments(
    lines,
    (s) => instanceOf(lines, s, made).key,
    (s) => s.end - s.start > 1 || !follows(s),
  );
}

/** Rewrites the flat lines with one block per repeated shape; the layers, in order, are the same. */
export function recoverBlocks(flat: readonly Line[]): Recovered {
  const lines = chainConcats(flat);
  const made = producers(lines);
  const taken = new Set<string>();
  const blocks: Block[] = [];
  const calls: { inst: Instance; block: number; args: string }[] = [];
  for (const family of families(lines, segmentsOf(lines))) {
    const params = parameters(family);
    const body = bodyOf(lines, family, params);
    const doc = `Found ${family.length} times: ${labelOf(family)}.`;
    const entry = entryOf(lines, family[0].seg.start);
    blocks.push({ name: blockName(body, entry, taken), params: params.names, entry, body, doc });
    for (const inst of family) calls.push({ inst, block: blocks.length - 1, args: params.columns.map((k) => inst.numbers[k]).join(', ') });
  }
  calls.sort((a, b) => a.inst.seg.start - b.inst.seg.start);
  const out: Line[] = [];
  let next = 0;
  for (let c = 0; c < calls.length; ) {
    const run = [calls[c]];
    const same = (d: (typeof calls)[number]) => d.block === run[0].block && d.args === run[0].args && d.inst.seg.start === run[run.length - 1].inst.seg.end;
    while (
      c + run.length < calls.length &&
      same(calls[c + run.length]) &&
      singleEntryExit(lines, run[0].inst.seg.start, calls[c + run.length].inst.seg.end, made)
    )
      run.push(calls[c + run.length]);
    out.push(...lines.slice(next, run[0].inst.seg.start));
    out.push(callLine(lines, blocks[run[0].block].name, run));
    next = run[run.length - 1].inst.seg.end;
    c += run.length;
  }
  out.push(...lines.slice(next));
  return { blocks, lines: out };
}

/** The call of a run of instances: `name(args)` or `name(args) × N`, its comment saying where they came from. */
function callLine(lines: readonly Line[], name: string, run: readonly { inst: Instance; args: string }[]): Line {
  const first = run[0].inst.seg;
  const last = run[run.length - 1].inst.seg;
  const text = `${name}(${run[0].args})${run.length > 1 ? ` × ${run.length}` : ''}`;
  return { out: lines[last.end - 1].out, inputs: [entryOf(lines, first.start)], call: () => text, node: labelOf(run.map((r) => r.inst)) };
}
