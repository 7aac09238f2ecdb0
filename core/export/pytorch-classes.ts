// Block instances of a PyTorch export grouped into nn.Module classes, each with the constructor arguments its
// instances differ in.
//
// The rule: every instance of a block is rendered to Python lines (its layers through the emitters, its nested
// instances as constructor calls). Instances whose lines are equal once every number and True/False is blanked
// out — same layers, same edges, same names, same nested classes — share one class; a block whose `if` statements
// or shapes give other lines gets one class per variant (`Mbconv`, `Mbconv2`, …). A literal that is the same in
// every instance of a class stays a literal; each literal that differs becomes a constructor parameter (literals
// that differ alike share one), named after the block parameter whose value it is in every instance, else after
// the keyword or constructor slot it fills (`stride`, `in_channels`). Substituting an instance's arguments gives
// back exactly its rendered lines, so the export computes what it computed flattened.

import type { Shape } from '../model/values';
import { className, pyName } from './pytorch-names';
import { render, type Construction, type Rendered, type RenderEnv } from './pytorch-render';
import type { BlockScope } from './pytorch-tree';

/** A class ready to print, with the constructor parameters nested instances of it are named by. */
export interface PyClass {
  readonly name: string;
  readonly params: readonly string[];
  readonly text: string;
}

const TOKEN = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\s+|./g;
const isValue = (t: string) => /^\d/.test(t) || t === 'True' || t === 'False';
const tokens = (line: string) => line.match(TOKEN) ?? [];

interface Member {
  readonly scope: BlockScope;
  readonly lines: Rendered;
  readonly init: string[][];
  readonly forward: string[][];
  /** The shapes of the instance's (first) input and of its output, channels-last. */
  readonly ends: readonly (Shape | null)[];
}

/** Scopes by height (instances that nest none first), each height in graph order. */
function byHeight(root: BlockScope): BlockScope[][] {
  const levels: BlockScope[][] = [];
  const visit = (scope: BlockScope): number => {
    let h = 0;
    for (const p of scope.parts) {
      const inner = p.kind === 'block' ? [p.scope] : p.kind === 'run' ? p.scopes : [];
      for (const s of inner) h = Math.max(h, visit(s) + 1);
    }
    if (scope !== root) (levels[h] ??= []).push(scope);
    return h;
  };
  visit(root);
  return levels.filter((l) => l !== undefined);
}

/** Every block instance's class, leaves first; `built` gets each instance's construction. */
export function blockClasses(root: BlockScope, env: RenderEnv & { built: Map<BlockScope, Construction> }, taken: Set<string>): PyClass[] {
  const classes: PyClass[] = [];
  const slots = new Map<string, readonly string[]>();
  for (const level of byHeight(root)) {
    const groups = new Map<string, Member[]>();
    for (const scope of level) {
      const lines = render(scope, env);
      const ends = [scope.inputs[0], scope.output].map((id) => (id === undefined ? null : env.model.layers[id].shape));
      const member = { scope, lines, init: lines.init.map(tokens), forward: lines.forward.map(tokens), ends };
      const key = `${scope.site!.block}\n${lines.args.join(',')}\n${[...member.init, ['--'], ...member.forward].map(blank).join('\n')}\n${lines.ret}`;
      const group = groups.get(key);
      if (group) group.push(member);
      else groups.set(key, [member]);
    }
    for (const members of groups.values()) {
      const { cls, values } = buildClass(members, uniqueName(className(members[0].scope.site!.block), taken), slots);
      slots.set(cls.name, cls.params);
      classes.push(cls);
      members.forEach((m, i) => env.built.set(m.scope, { cls: cls.name, values: values[i] }));
    }
  }
  return classes;
}

const blank = (line: string[]) => line.map((t) => (isValue(t) ? '#' : t)).join('');

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  return name;
}

/** A literal position of a class's lines: which line list, which line, which token. */
interface Slot {
  readonly list: 'init' | 'forward';
  readonly line: number;
  readonly token: number;
}

/** The class of members with equal blanked lines: its differing literals as parameters, its text. */
function buildClass(members: Member[], name: string, slots: ReadonlyMap<string, readonly string[]>): { cls: PyClass; values: string[][] } {
  const first = members[0];
  const byValues = new Map<string, Slot[]>();
  for (const list of ['init', 'forward'] as const) {
    first[list].forEach((line, l) =>
      line.forEach((t, k) => {
        if (!isValue(t)) return;
        const values = members.map((m) => m[list][l][k]);
        if (values.every((x) => x === t)) return;
        const key = JSON.stringify(values);
        const slot = { list, line: l, token: k };
        const same = byValues.get(key);
        if (same) same.push(slot);
        else byValues.set(key, [slot]);
      }),
    );
  }
  const used = namesIn([...first.init, ...first.forward]);
  const params: string[] = [];
  const perMember: string[][] = members.map(() => []);
  const named = new Map<string, string>();
  for (const [key, at] of byValues) {
    const values = JSON.parse(key) as string[];
    const base = pyName(blockParamOf(members, values) ?? spatialOf(members, values) ?? slotName(first[at[0].list][at[0].line], at[0].token, slots));
    let param = base;
    for (let n = 2; used.has(param); n++) param = `${base}_${n}`;
    used.add(param);
    params.push(param);
    for (const s of at) named.set(`${s.list}:${s.line}:${s.token}`, param);
    values.forEach((v, i) => perMember[i].push(v));
  }
  return { cls: { name, params, text: classText(name, members, perMember, params, named) }, values: perMember };
}

/** Names a parameter must not take: every identifier of the lines but keyword-argument names (`stride=`). */
function namesIn(lines: readonly (readonly string[])[]): Set<string> {
  const names = new Set<string>();
  for (const line of lines) {
    const sig = line.filter((t) => !/^\s/.test(t));
    sig.forEach((t, i) => {
      const keyword = sig[i + 1] === '=' && sig[i + 2] !== '=' && sig[i - 1] !== '.';
      if (/^[A-Za-z_]/.test(t) && !keyword) names.add(t);
    });
  }
  return names;
}

/** A block argument as the literal the emitters would write for it: numbers as numbers, true/false as True/False. */
function literalOf(binding: unknown): string | undefined {
  const v = (binding as { value?: { kind: string; value?: number; name?: string } } | undefined)?.value;
  if (v?.kind === 'number') return String(v.value);
  if (v?.kind === 'word' && (v.name === 'true' || v.name === 'false')) return v.name === 'true' ? 'True' : 'False';
  return undefined;
}

/** The parameter of the block whose value equals these literals in every instance, if any. */
function blockParamOf(members: readonly Member[], values: readonly string[]): string | undefined {
  const same = (a: string | undefined, b: string) => a !== undefined && (a === b || Number(a) === Number(b));
  const names = Object.keys(members[0].scope.site?.params ?? {});
  return names.find((n) => members.every((m, i) => same(literalOf(m.scope.site?.params?.[n]), values[i])));
}

/** `size` (`height`, `width`) when the literals are each instance's input image size; `out_size`, … for its output. */
function spatialOf(members: readonly Member[], values: readonly string[]): string | undefined {
  for (const [end, prefix] of [
    [0, ''],
    [1, 'out_'],
  ] as const) {
    const fits = (axis: number) => members.every((m, i) => m.ends[end]?.length === 3 && m.ends[end]![axis] === Number(values[i]));
    const [h, w] = [fits(0), fits(1)];
    if (h || w) return `${prefix}${h && w ? 'size' : h ? 'height' : 'width'}`;
  }
  return undefined;
}

const POSITIONAL: Record<string, readonly string[]> = {
  Conv2d: ['in_channels', 'out_channels'],
  ConvTranspose2d: ['in_channels', 'out_channels'],
  Linear: ['in_features', 'out_features'],
  BatchNorm1d: ['num_features'],
  BatchNorm2d: ['num_features'],
  LayerNorm: ['normalized_shape'],
  Dropout: ['p'],
  _Scale: ['channels', 'init', 'dims'],
  _DropPath: ['rate'],
};

/** What a literal fills: the keyword it is given for, or its slot in the call around it, else the call's name. */
function slotName(line: readonly string[], at: number, slots: ReadonlyMap<string, readonly string[]>): string {
  const sig = line.map((t, i) => [t, i] as const).filter(([t]) => !/^\s/.test(t));
  let depth = 0;
  let commas = 0;
  for (let j = sig.findIndex(([, i]) => i === at) - 1; j >= 0; j--) {
    const t = sig[j][0];
    if (t === ')' || t === ']') depth++;
    else if (depth > 0 && (t === '(' || t === '[')) depth--;
    else if (depth === 0 && t === ',') commas++;
    else if (depth === 0 && t === '=' && j > 0 && /^[A-Za-z_]/.test(sig[j - 1][0])) return sig[j - 1][0];
    else if (depth === 0 && (t === '(' || t === '[')) {
      const callee = j > 0 ? sig[j - 1][0] : '';
      if (t === '(' && /^[A-Za-z_]/.test(callee)) return (POSITIONAL[callee] ?? slots.get(callee))?.[commas] ?? callee;
      if (t === '[') return 'index';
      commas = 0;
    }
  }
  return 'value';
}

/** The Python text of a class: constructor, forward pass with merged shape comments, return. */
function classText(
  name: string,
  members: readonly Member[],
  values: readonly (readonly string[])[],
  params: readonly string[],
  named: ReadonlyMap<string, string>,
): string {
  const first = members[0];
  const sub = (list: 'init' | 'forward', l: number, self: string) =>
    first[list][l].map((t, k) => (named.has(`${list}:${l}:${k}`) ? `${self}${named.get(`${list}:${l}:${k}`)}` : t)).join('');
  const inForward = new Set(first.forward.flatMap((line, l) => line.flatMap((_, k) => named.get(`forward:${l}:${k}`) ?? [])));
  const calls = [...new Set(members.map((m) => m.scope.site!.text.replace(/\s+/g, ' ')))];
  const doc = `Block ${first.scope.site!.block}: ${calls.slice(0, 4).join(', ')}${calls.length > 4 ? ', …' : '.'}`;
  const comment = (l: number) =>
    mergedShape(
      members.map((m) => m.lines.shapes[l]),
      values,
      params,
    );
  return [
    `class ${name}(nn.Module):`,
    docstring(first.scope.site!.doc ? `${first.scope.site!.doc}\n\n${doc}` : doc),
    '',
    `    def __init__(${['self', ...params].join(', ')}):`,
    '        super().__init__()',
    ...params.filter((p) => inForward.has(p)).map((p) => `        self.${p} = ${p}`),
    ...first.init.map((_, l) => `        ${sub('init', l, '')}`),
    '',
    `    def forward(${['self', ...first.lines.args].join(', ')}):`,
    ...first.forward.map((_, l) => `        ${sub('forward', l, 'self.')}  # ${comment(l)}`),
    `        return ${first.lines.ret}`,
  ].join('\n');
}

/** A Python docstring at class level: one line as is, several indented under the first with the quotes closing alone. */
export function docstring(text: string): string {
  const lines = text.replace(/\\/g, '/').replace(/"""/g, "'''").split('\n');
  // A quote just before the closing ones would end the string early.
  if (lines.length === 1) return `    """${lines[0].replace(/"$/, '" ')}"""`;
  return `    """${lines.map((l, i) => (i === 0 || l === '' ? l : `    ${l}`)).join('\n')}\n    """`;
}

/** A shape comment for every instance at once: a dimension they share, the parameter it equals, else `?`. */
function mergedShape(shapes: readonly (Shape | null)[], values: readonly (readonly string[])[], params: readonly string[]): string {
  if (shapes.some((s) => !s)) return '?';
  const dims = torchOrder(shapes[0]!).map((_, d) => {
    const col = shapes.map((s) => torchOrder(s!)[d]);
    if (col.every((x) => x === col[0])) return String(col[0]);
    const p = params.findIndex((_, i) => values.every((v, m) => Number(v[i]) === col[m]));
    return p >= 0 ? params[p] : '?';
  });
  return `(N, ${dims.join(', ')})`;
}

const torchOrder = (shape: Shape) => (shape.length === 3 ? [shape[2], shape[0], shape[1]] : [...shape]);
