// Binds a call's arguments to a layer's schema: positional and named, typed, range-checked, defaulted.

import type { Diagnostic, Fix } from '../diagnostics';
import { span, type Span } from '../syntax/span';
import type { ArgSpec, ArgType, ArgValue, ResolvedArgs } from './registry';
import { didYouMean, suggest } from './suggest';
import { formatValue, type Value } from './values';

export interface BoundArg {
  readonly name?: { readonly name: string; readonly span: Span };
  readonly value: Value;
  readonly span: Span;
}

export interface BindResult {
  readonly args: ResolvedArgs;
  /** Where each argument was written, for diagnostics that point at one argument. */
  readonly spans: Readonly<Record<string, Span>>;
  readonly ok: boolean;
}

/** A parameter a call can fill: by name, or by position unless named-only; a rest parameter takes every later positional. */
export interface Slot {
  readonly name: string;
  readonly namedOnly?: boolean;
  readonly rest?: boolean;
}

/** An argument as written: its name when it is named, and where it is. */
export interface GivenArg {
  readonly name?: { readonly name: string; readonly span: Span };
  readonly span: Span;
}

/** The diagnostics for arguments that fit no parameter; layers and blocks word them differently. */
export interface Misfits<A> {
  /** A named argument whose name is no parameter. */
  unknown(arg: A): Diagnostic;
  /** A positional argument after the last positional parameter. */
  tooMany(arg: A): Diagnostic;
  /** A second argument for a parameter that takes one. */
  duplicate(slot: string, arg: A): Diagnostic;
}

/**
 * The one argument binder's first step, shared by layers and blocks: pairs each argument with its parameter,
 * named by name and positional in order, reporting misfits. `onMatch` sees each pair as it is made, so work on
 * an argument (and its diagnostics) keeps source order. Returns the arguments per parameter name.
 */
export function matchArgs<S extends Slot, A extends GivenArg>(
  slots: readonly S[],
  given: readonly A[],
  misfits: Misfits<A>,
  report: (d: Diagnostic) => void,
  onMatch?: (slot: S, arg: A) => void,
): ReadonlyMap<string, A[]> {
  // Most layer calls of a large model have no arguments at all (`relu()`, `batchnorm()`): nothing to pair.
  if (given.length === 0) return NO_MATCHES;
  const matched = new Map<string, A[]>();
  const positional = positionalOf(slots);
  let next = 0;
  for (const arg of given) {
    const slot = arg.name ? slots.find((s) => s.name === arg.name!.name) : positional[next];
    if (!slot) {
      report(arg.name ? misfits.unknown(arg) : misfits.tooMany(arg));
      continue;
    }
    if (!arg.name && !slot.rest) next++;
    // Named or positional, an argument may fill each parameter once (rest parameters collect many).
    if (matched.has(slot.name) && !slot.rest) {
      report(misfits.duplicate(slot.name, arg));
      continue;
    }
    addRaw(matched, slot.name, arg);
    onMatch?.(slot, arg);
  }
  return matched;
}

const NO_MATCHES: ReadonlyMap<string, never[]> = new Map();

const positionals = new WeakMap<readonly Slot[], readonly Slot[]>();

/** The parameters a positional argument can fill, computed once per schema (every layer call asks). */
function positionalOf<S extends Slot>(slots: readonly S[]): readonly S[] {
  let found = positionals.get(slots) as readonly S[] | undefined;
  if (!found) positionals.set(slots, (found = slots.filter((s) => !s.namedOnly)));
  return found;
}

/** Binds `given` to `specs`. `what` names the callee in messages; `callSpan` locates missing arguments. */
export function bindArgs(
  what: string,
  specs: readonly ArgSpec[],
  given: readonly BoundArg[],
  callSpan: Span,
  spatialRank: number,
  out: Diagnostic[],
): BindResult {
  if (given.length === 0) {
    const known = defaultsOnly.get(specs)?.get(spatialRank);
    if (known) return known;
  }
  let ok = true;
  const report = (d: Diagnostic) => {
    out.push(d);
    ok = false;
  };
  const raw = matchArgs(specs, given, new LayerMisfits(what, specs), report);
  const bound: Binding = { values: {}, spans: {} };
  for (const spec of specs) {
    const problem = bindOne(what, spec, raw.get(spec.name), callSpan, spatialRank, bound);
    if (problem) report(problem);
  }
  if (given.length === 0 && ok) return rememberDefaults(specs, spatialRank, bound.values);
  return { args: bound.values, spans: bound.spans, ok };
}

/**
 * What a call that writes no argument binds to, per schema and spatial rank: the defaults only, the same for every such
 * call, so `batchnorm()` and `relu()` a hundred thousand times share one frozen record instead of keeping one each.
 */
const defaultsOnly = new WeakMap<readonly ArgSpec[], Map<number, BindResult>>();
const NO_SPANS: Readonly<Record<string, Span>> = Object.freeze({});

function rememberDefaults(specs: readonly ArgSpec[], spatialRank: number, values: ResolvedArgs): BindResult {
  let byRank = defaultsOnly.get(specs);
  if (!byRank) defaultsOnly.set(specs, (byRank = new Map()));
  const result: BindResult = { args: Object.freeze(values), spans: NO_SPANS, ok: true };
  byRank.set(spatialRank, result);
  return result;
}

interface Binding {
  readonly values: Record<string, ArgValue>;
  readonly spans: Record<string, Span>;
}

/** How layers word arguments that fit no parameter (a class: the messages are built only for a misfit). */
class LayerMisfits implements Misfits<BoundArg> {
  constructor(
    private readonly what: string,
    private readonly specs: readonly ArgSpec[],
  ) {}

  unknown(arg: BoundArg): Diagnostic {
    return unknownArg(this.what, this.specs, arg);
  }

  tooMany(arg: BoundArg): Diagnostic {
    const positional = positionalOf(this.specs);
    return {
      code: 'too-many-arguments',
      severity: 'error',
      message: `${this.what} takes at most ${positional.length} positional argument${positional.length === 1 ? '' : 's'} (${positional.map((s) => s.name).join(', ') || 'none'}).`,
      span: arg.span,
      fixes: [removeFix(arg)],
    };
  }

  duplicate(name: string, arg: BoundArg): Diagnostic {
    return {
      code: 'duplicate-argument',
      severity: 'error',
      message: `Argument '${name}' of ${this.what} is given twice.`,
      span: arg.span,
      fixes: [removeFix(arg)],
    };
  }
}

/** Fills one parameter from its arguments, or its default, into `bound`; returns the problem if there is one. */
function bindOne(
  what: string,
  spec: ArgSpec,
  args: readonly BoundArg[] | undefined,
  callSpan: Span,
  spatialRank: number,
  bound: Binding,
): Diagnostic | undefined {
  if (!args) {
    if (spec.default === undefined && !spec.rest)
      return { code: 'missing-argument', severity: 'error', message: `${what} needs '${spec.name}': ${spec.doc}`, span: callSpan };
    const d = spec.default ?? (spec.type.type === 'dims' ? [] : null);
    // `stride: 1` means 1 on every spatial axis, defaults included.
    bound.values[spec.name] = spec.type.type === 'ints' && typeof d === 'number' ? sameOnEveryAxis(spatialRank, d) : d;
    return undefined;
  }
  const at = args.length === 1 ? args[0].value.span : span(args[0].span.start, args[args.length - 1].span.end);
  bound.spans[spec.name] = at;
  if (spec.type.type === 'tensors') return undefined;
  const converted = convert(
    spec,
    args.map((a) => a.value),
    spatialRank,
  );
  if (typeof converted === 'object' && converted !== null && 'error' in converted)
    return { code: converted.code, severity: 'error', message: `${what}: ${converted.error}`, span: at, fixes: converted.fixes };
  bound.values[spec.name] = converted as ArgValue;
  return undefined;
}

const defaultTuples = new Map<number, Map<number, readonly number[]>>();

/** A default repeated per spatial axis, shared (and frozen) rather than built for every layer of a large model. */
function sameOnEveryAxis(rank: number, value: number): readonly number[] {
  let byValue = defaultTuples.get(rank);
  if (!byValue) defaultTuples.set(rank, (byValue = new Map()));
  let tuple = byValue.get(value);
  if (!tuple) byValue.set(value, (tuple = Object.freeze(Array<number>(rank).fill(value))));
  return tuple;
}

/** Appends in place: `input(…)` with a million dimensions must stay linear. */
function addRaw<A>(raw: Map<string, A[]>, name: string, arg: A): void {
  const list = raw.get(name);
  if (list) list.push(arg);
  else raw.set(name, [arg]);
}

function unknownArg(what: string, specs: readonly ArgSpec[], arg: BoundArg) {
  const name = arg.name!;
  const s = suggest(
    name.name,
    specs.map((spec) => spec.name),
    name.span,
    'Rename',
  );
  return {
    code: 'unknown-argument' as const,
    severity: 'error' as const,
    message: `${what} has no argument '${name.name}'${didYouMean(s, '.')} It takes: ${specs.map((spec) => spec.name).join(', ')}.`,
    span: name.span,
    fixes: s ? [s.fix] : [],
  };
}

function removeFix(arg: BoundArg): Fix {
  return { title: 'Remove this argument', edits: [{ span: arg.span, newText: '' }] };
}

type ConvertError = { error: string; code: 'invalid-argument' | 'out-of-range'; fixes?: Fix[] };

type TypeOf<K extends ArgType['type']> = Extract<ArgType, { type: K }>;

/** `'name' must be <expected>, got <values>.` */
function bad(spec: ArgSpec, values: readonly Value[], expected: string): ConvertError {
  return { error: `'${spec.name}' must be ${expected}, got ${values.map(formatValue).join(', ')}.`, code: 'invalid-argument' };
}

/** Converts the written values of one parameter to the value its type asks for. */
function convert(spec: ArgSpec, values: readonly Value[], spatialRank: number): ArgValue | ConvertError {
  const t = spec.type;
  const v = values[0];
  switch (t.type) {
    case 'int':
    case 'float':
      return convertNumber(spec, t, values);
    case 'bool':
      if (v.kind === 'word' && (v.name === 'true' || v.name === 'false')) return v.name === 'true';
      return bad(spec, values, 'true or false');
    case 'string':
      if (v.kind === 'string') return v.value;
      if (v.kind === 'word') return v.name;
      return bad(spec, values, 'a string');
    case 'enum':
      return convertEnum(spec, t, v);
    case 'padding':
      return v.kind === 'number' || v.kind === 'tuple' ? convertPadding(spec, values, spatialRank) : convertEnum(spec, { type: 'enum', values: t.values }, v);
    case 'ints':
      return convertInts(spec, t, values, spatialRank);
    case 'dims':
      return convertDims(spec, t, values);
    case 'tensors':
      return null;
  }
}

function convertNumber(spec: ArgSpec, t: TypeOf<'int' | 'float'>, values: readonly Value[]): ArgValue | ConvertError {
  const v = values[0];
  if (v.kind !== 'number' || (t.type === 'int' && !Number.isInteger(v.value))) return bad(spec, values, t.type === 'int' ? 'an integer' : 'a number');
  const below = t.min !== undefined && ('exclusiveMin' in t && t.exclusiveMin ? v.value <= t.min : v.value < t.min);
  if (below || (t.max !== undefined && v.value > t.max))
    return { error: `'${spec.name}' is ${v.value}, outside ${rangeText(t.min, t.max)}.`, code: 'out-of-range' };
  return small(v.value);
}

function convertEnum(spec: ArgSpec, t: TypeOf<'enum'>, v: Value): ArgValue | ConvertError {
  const word = v.kind === 'word' ? v.name : v.kind === 'string' ? v.value : undefined;
  if (word !== undefined && t.values.includes(word)) return word;
  const s = word !== undefined ? suggest(word, t.values, v.span) : undefined;
  return {
    error: `'${spec.name}' must be one of ${t.values.join(', ')}; got ${formatValue(v)}${s ? ` (did you mean '${s.guess}'?)` : ''}.`,
    code: 'invalid-argument',
    fixes: s ? [s.fix] : undefined,
  };
}

/**
 * An integer as V8's small integer when it is one. Numbers read from the syntax tree or from evaluated values come
 * boxed (those fields hold fractions too); a boxed size flows into every shape, and a boxed number stored in a
 * layer's facts makes V8 box that field in every layer's.
 */
function small(n: number): number {
  const i = n | 0;
  return i === n ? i : n;
}

/** One integer for every spatial axis, or a tuple with one per axis. */
function convertInts(spec: ArgSpec, t: TypeOf<'ints'>, values: readonly Value[], spatialRank: number): ArgValue | ConvertError {
  const v = values[0];
  // The common case, one integer for every axis (`kernel: 3`), shares its tuple like a default does.
  if (v.kind === 'number' && Number.isInteger(v.value) && (t.min === undefined || v.value >= t.min)) return sameOnEveryAxis(spatialRank, small(v.value));
  const items = v.kind === 'tuple' ? v.items : [v];
  const expected = `an integer or a tuple of ${spatialRank} integers`;
  if (items.some((x) => x.kind !== 'number' || !Number.isInteger(x.value))) return bad(spec, values, expected);
  const nums = items.map((x) => small((x as { value: number }).value));
  if (nums.length !== 1 && nums.length !== spatialRank) return bad(spec, values, expected);
  if (t.min !== undefined && nums.some((n) => n < t.min!)) return { error: `'${spec.name}' must be ≥ ${t.min}, got ${formatValue(v)}.`, code: 'out-of-range' };
  return nums.length === 1 ? sameOnEveryAxis(spatialRank, nums[0]) : nums;
}

/**
 * Numeric padding, PyTorch's way: `P` (every side), one per axis, or one per side in (before, after) pairs, axis by
 * axis: `(top, bottom, left, right)` in 2-D. Always bound per side, so every reader sees one form.
 */
function convertPadding(spec: ArgSpec, values: readonly Value[], spatialRank: number): ArgValue | ConvertError {
  const v = values[0];
  const items = v.kind === 'tuple' ? v.items : [v];
  const expected = paddingForms(spatialRank);
  if (items.some((x) => x.kind !== 'number' || !Number.isInteger(x.value))) return bad(spec, values, expected);
  const nums = items.map((x) => small((x as { value: number }).value));
  if (nums.some((n) => n < 0)) return { error: `'${spec.name}' must not be negative, got ${formatValue(v)}.`, code: 'out-of-range' };
  if (nums.length === 1) return Array(2 * spatialRank).fill(nums[0]);
  if (nums.length === spatialRank && spatialRank > 1) return nums.flatMap((n) => [n, n]);
  if (nums.length === 2 * spatialRank) return nums;
  return bad(spec, values, expected);
}

/** `valid, same, an integer, (h, w) or (top, bottom, left, right)` for the rank's spatial axes. */
function paddingForms(rank: number): string {
  if (rank === 1) return 'valid, same, an integer or (left, right)';
  if (rank === 3) return 'valid, same, an integer, (d, h, w) or (front, back, top, bottom, left, right)';
  return 'valid, same, an integer, (h, w) or (top, bottom, left, right)';
}

/** Dimensions written as several arguments or one tuple: positive, or -1 where a wildcard is allowed. */
function convertDims(spec: ArgSpec, t: TypeOf<'dims'>, values: readonly Value[]): ArgValue | ConvertError {
  const v = values[0];
  const items = values.length === 1 && v.kind === 'tuple' ? v.items : values;
  if (items.some((x) => x.kind !== 'number' || !Number.isInteger(x.value))) return bad(spec, values, 'integers');
  const nums = items.map((x) => small((x as { value: number }).value));
  // Padding and cropping widths may be 0 (nothing on that side); sizes must be positive.
  const sides = spec.name === 'padding' || spec.name === 'cropping';
  if (sides && nums.some((n) => n < 0)) return { error: `'${spec.name}' must not be negative, got (${nums.join(', ')}).`, code: 'out-of-range' };
  const allowed = (n: number) => n > 0 || (t.wildcard === true && n === -1) || (sides && n === 0);
  if (!nums.every(allowed))
    return {
      error: `'${spec.name}' dimensions must be positive${t.wildcard ? ' (or -1 for unknown)' : ''}, got (${nums.join(', ')}).`,
      code: 'out-of-range',
    };
  return nums;
}

function rangeText(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `[${min}, ${max}]`;
  if (min !== undefined) return `≥ ${min}`;
  return `≤ ${max}`;
}
