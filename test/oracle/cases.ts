// Oracle cases as data: one layer, its arguments and input shapes; written as Stride source and analyzed.

import { analyze } from '../../core/analyze';
import type { LayerInfo } from '../../core/model/infer';

/** An argument as written in Stride source: tuples become `(a, b)`, strings bare words. */
export type ArgLit = number | boolean | string | readonly number[];
export type Dims = readonly (number | null)[];

export interface OracleCase {
  readonly kind: string;
  readonly args: Readonly<Record<string, ArgLit>>;
  /** One input shape (batch excluded), or several for merges. */
  readonly input: Dims | readonly Dims[];
}

/** What both sides are compared on. `error` means the configuration is rejected. */
export type Facts = { readonly shape: Dims; readonly trainable: number; readonly nonTrainable: number } | { readonly error: string };

export function inputsOf(c: OracleCase): readonly Dims[] {
  return Array.isArray(c.input[0]) ? (c.input as readonly Dims[]) : [c.input as Dims];
}

function lit(v: ArgLit): string {
  if (Array.isArray(v)) return `(${v.join(', ')})`;
  return String(v);
}

/** The one-layer model, with one `input(…)` per input; merges name their inputs. */
export function strideSource(c: OracleCase): string {
  const inputs = inputsOf(c);
  const lines = inputs.map((s, i) => `  x${i} = input(${s.map((d) => (d === null ? -1 : d)).join(', ')})`);
  const args = Object.entries(c.args).map(([k, v]) => `${k}: ${lit(v)}`);
  const tensors = Array.isArray(c.input[0]) ? inputs.map((_, i) => `x${i}`) : [];
  const call = `${c.kind}(${[...tensors, ...args].join(', ')})`;
  // split has several outputs: they are named, and the last part is the layer under test.
  lines.push(c.kind === 'split' ? `  ${partNames(c.args.parts)} = ${call}` : `  ${call}`);
  return `model M {\n${lines.join('\n')}\n}\n`;
}

function partNames(parts: ArgLit | undefined): string {
  const n = Array.isArray(parts) ? parts.length : typeof parts === 'number' ? parts : 2;
  return Array.from({ length: Math.max(n, 2) }, (_, i) => `p${i}`).join(', ');
}

export function caseName(c: OracleCase): string {
  const args = Object.entries(c.args).map(([k, v]) => `${k}=${lit(v)}`);
  const shapes = inputsOf(c).map((s) => `(${s.map((d) => (d === null ? '?' : d)).join('×')})`);
  return `${c.kind}(${args.join(', ')}) on ${shapes.join(' + ')}`;
}

/** The layer under test as Stride infers it, or the error diagnostics of the one-layer model. */
export function strideLayer(c: OracleCase): LayerInfo | { readonly error: string } {
  const analysis = analyze(strideSource(c));
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { error: errors.map((e) => `${e.code}: ${e.message}`).join('; ') };
  const layers = analysis.models[0].layers;
  return layers[layers.length - 1];
}

/** Stride's answer: the last layer's shape and parameter split, or the error diagnostics. */
export function strideFacts(c: OracleCase): Facts {
  const last = strideLayer(c);
  if ('error' in last) return last;
  if (last.shape === null) return { error: 'shape unknown without a diagnostic' };
  return { shape: last.shape, trainable: last.params.trainable, nonTrainable: last.params.nonTrainable };
}

/** Every combination of the listed argument values (a key with `undefined` is left to its default). */
export function grid(
  kind: string,
  inputs: readonly (Dims | readonly Dims[])[],
  axes: Readonly<Record<string, readonly (ArgLit | undefined)[]>>,
  fixed: Readonly<Record<string, ArgLit>> = {},
): OracleCase[] {
  let combos: Record<string, ArgLit>[] = [{ ...fixed }];
  for (const [name, values] of Object.entries(axes)) {
    combos = combos.flatMap((c) => values.map((v) => (v === undefined ? { ...c } : { ...c, [name]: v })));
  }
  return inputs.flatMap((input) => combos.map((args) => ({ kind, args, input })));
}

/** A dimension the oracle computed must be a positive length; zero or negative means the layer is invalid. */
export function hasNonPositive(shape: Dims): boolean {
  return shape.some((d) => d !== null && d <= 0);
}
