// Binds a call's arguments to a layer's schema: positional and named, typed, range-checked, defaulted.

import type { Diagnostic, Fix } from '../diagnostics';
import { span, type Span } from '../syntax/span';
import type { ArgSpec, ArgValue, ResolvedArgs } from './registry';
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

/** Binds `given` to `specs`. `what` names the callee in messages; `callSpan` locates missing arguments. */
export function bindArgs(
  what: string,
  specs: readonly ArgSpec[],
  given: readonly BoundArg[],
  callSpan: Span,
  spatialRank: number,
  out: Diagnostic[],
): BindResult {
  const values: Record<string, ArgValue> = {};
  const spans: Record<string, Span> = {};
  const raw = new Map<string, BoundArg[]>();
  let ok = true;
  const report = (d: Diagnostic) => {
    out.push(d);
    ok = false;
  };

  const positional = specs.filter((s) => !s.namedOnly);
  let next = 0;
  for (const arg of given) {
    let spec: ArgSpec | undefined;
    if (arg.name) {
      spec = specs.find((s) => s.name === arg.name!.name);
      if (!spec) {
        report(unknownArg(what, specs, arg));
        continue;
      }
    } else {
      spec = positional[next];
      if (!spec) {
        report({
          code: 'too-many-arguments',
          severity: 'error',
          message: `${what} takes at most ${positional.length} positional argument${positional.length === 1 ? '' : 's'} (${positional.map((s) => s.name).join(', ') || 'none'}).`,
          span: arg.span,
          fixes: [removeFix(arg)],
        });
        continue;
      }
      if (!spec.rest) next++;
    }
    // Named or positional, an argument may fill each parameter once (rest parameters collect many).
    if (raw.has(spec.name) && !spec.rest) {
      report({
        code: 'duplicate-argument',
        severity: 'error',
        message: `Argument '${spec.name}' of ${what} is given twice.`,
        span: arg.span,
        fixes: [removeFix(arg)],
      });
      continue;
    }
    addRaw(raw, spec.name, arg);
  }

  for (const spec of specs) {
    const args = raw.get(spec.name);
    if (!args) {
      if (spec.default !== undefined || spec.rest) {
        const d = spec.default ?? (spec.type.type === 'dims' ? [] : null);
        // `stride: 1` means 1 on every spatial axis, defaults included.
        values[spec.name] = spec.type.type === 'ints' && typeof d === 'number' ? Array(spatialRank).fill(d) : d;
        continue;
      }
      report({ code: 'missing-argument', severity: 'error', message: `${what} needs '${spec.name}': ${spec.doc}`, span: callSpan });
      continue;
    }
    spans[spec.name] = args.length === 1 ? args[0].value.span : span(args[0].span.start, args[args.length - 1].span.end);
    if (spec.type.type === 'tensors') continue;
    const converted = convert(
      spec,
      args.map((a) => a.value),
      spatialRank,
    );
    if (typeof converted === 'object' && converted !== null && 'error' in converted) {
      report({ code: converted.code, severity: 'error', message: `${what}: ${converted.error}`, span: spans[spec.name], fixes: converted.fixes });
      continue;
    }
    values[spec.name] = converted as ArgValue;
  }
  return { args: values, spans, ok };
}

/** Appends in place: `input(…)` with a million dimensions must stay linear. */
function addRaw(raw: Map<string, BoundArg[]>, name: string, arg: BoundArg): void {
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
    message: `${what} has no argument '${name.name}'${didYouMean(s)} It takes: ${specs.map((spec) => spec.name).join(', ')}.`,
    span: name.span,
    fixes: s ? [s.fix] : [],
  };
}

function removeFix(arg: BoundArg): Fix {
  return { title: 'Remove this argument', edits: [{ span: arg.span, newText: '' }] };
}

type ConvertError = { error: string; code: 'invalid-argument' | 'out-of-range'; fixes?: Fix[] };

function convert(spec: ArgSpec, values: readonly Value[], spatialRank: number): ArgValue | ConvertError {
  const t = spec.type;
  const v = values[0];
  const bad = (expected: string): ConvertError => ({
    error: `'${spec.name}' must be ${expected}, got ${values.map(formatValue).join(', ')}.`,
    code: 'invalid-argument',
  });
  switch (t.type) {
    case 'int':
    case 'float': {
      if (v.kind !== 'number' || (t.type === 'int' && !Number.isInteger(v.value))) return bad(t.type === 'int' ? 'an integer' : 'a number');
      const below = t.min !== undefined && ('exclusiveMin' in t && t.exclusiveMin ? v.value <= t.min : v.value < t.min);
      if (below || (t.max !== undefined && v.value > t.max))
        return { error: `'${spec.name}' is ${v.value}, outside ${rangeText(t.min, t.max)}.`, code: 'out-of-range' };
      return v.value;
    }
    case 'bool':
      if (v.kind === 'word' && (v.name === 'true' || v.name === 'false')) return v.name === 'true';
      return bad('true or false');
    case 'string':
      if (v.kind === 'string') return v.value;
      if (v.kind === 'word') return v.name;
      return bad('a string');
    case 'enum': {
      const word = v.kind === 'word' ? v.name : v.kind === 'string' ? v.value : undefined;
      if (word !== undefined && t.values.includes(word)) return word;
      const s = word !== undefined ? suggest(word, t.values, v.span) : undefined;
      return {
        error: `'${spec.name}' must be one of ${t.values.join(', ')}; got ${formatValue(v)}${s ? ` (did you mean '${s.guess}'?)` : ''}.`,
        code: 'invalid-argument',
        fixes: s ? [s.fix] : undefined,
      };
    }
    case 'ints': {
      const items = v.kind === 'tuple' ? v.items : [v];
      if (items.some((x) => x.kind !== 'number' || !Number.isInteger(x.value))) return bad(`an integer or a tuple of ${spatialRank} integers`);
      const nums = items.map((x) => (x as { value: number }).value);
      if (nums.length !== 1 && nums.length !== spatialRank) return bad(`an integer or a tuple of ${spatialRank} integers`);
      if (t.min !== undefined && nums.some((n) => n < t.min!))
        return { error: `'${spec.name}' must be ≥ ${t.min}, got ${formatValue(v)}.`, code: 'out-of-range' };
      return nums.length === 1 ? Array(spatialRank).fill(nums[0]) : nums;
    }
    case 'dims': {
      const items = values.length === 1 && v.kind === 'tuple' ? v.items : values;
      if (items.some((x) => x.kind !== 'number' || !Number.isInteger(x.value))) return bad('integers');
      const nums = items.map((x) => (x as { value: number }).value);
      const allowed = (n: number) => n > 0 || (t.wildcard === true && n === -1) || ((spec.name === 'padding' || spec.name === 'cropping') && n === 0);
      if (!nums.every(allowed))
        return {
          error: `'${spec.name}' dimensions must be positive${t.wildcard ? ' (or -1 for unknown)' : ''}, got (${nums.join(', ')}).`,
          code: 'out-of-range',
        };
      return nums;
    }
    case 'tensors':
      return null;
  }
}

function rangeText(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `[${min}, ${max}]`;
  if (min !== undefined) return `≥ ${min}`;
  return `≤ ${max}`;
}
