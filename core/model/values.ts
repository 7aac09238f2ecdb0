// Evaluated argument values: what an expression means once block parameters are substituted.

import type { Span } from '../syntax/span';
import { formatCount } from '../number-format';

export type Value =
  | { readonly kind: 'number'; readonly value: number; readonly span: Span }
  | { readonly kind: 'word'; readonly name: string; readonly span: Span }
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'tuple'; readonly items: readonly Value[]; readonly span: Span }
  | { readonly kind: 'list'; readonly items: readonly Value[]; readonly span: Span }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly CallArg[]; readonly span: Span };

export interface CallArg {
  readonly name?: string;
  readonly value: Value;
}

/** Tensor shape without the batch dimension; `null` is an unknown dimension. */
export type Shape = readonly (number | null)[];

export function formatShape(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  return `(${['None', ...shape.map((d) => (d === null ? '?' : String(d)))].join(', ')})`;
}

/** Compact shape for labels: `32×32×16`. */
export function formatShapeShort(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  if (shape.length === 0) return 'scalar';
  return shape.map((d) => (d === null ? '?' : String(d))).join('×');
}

export function formatValue(v: Value): string {
  switch (v.kind) {
    case 'number':
      return String(v.value);
    case 'word':
      return v.name;
    case 'string':
      return JSON.stringify(v.value);
    case 'tuple':
      return `(${v.items.map(formatValue).join(', ')}${v.items.length === 1 ? ',' : ''})`;
    case 'list':
      return `[${v.items.map(formatValue).join(', ')}]`;
    case 'call':
      return `${v.name}(${v.args.map((a) => (a.name ? `${a.name}: ` : '') + formatValue(a.value)).join(', ')})`;
  }
}

/** 1234567 → "1,234,567"; the one rule of core/number-format.ts (never grouped in exponent notation, ≈ beyond 2^53). */
export function formatInt(n: number): string {
  return formatCount(n);
}

/** Human units: 1.2K, 3.4M, 5.6G. */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [scale, unit] of units) {
    if (abs >= scale) return `${(n / scale).toFixed(abs >= scale * 100 ? 0 : abs >= scale * 10 ? 1 : 2)}${unit}`;
  }
  return String(Math.round(n));
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
}
