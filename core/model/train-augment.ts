// The `normalize:` and `augment:` training settings: validated into plain configs (defaults are filled in by
// ide/train-settings.ts); each bad entry or argument is one `invalid-training` diagnostic on the entry itself.

import type { Fix } from '../diagnostics';
import { didYouMean, suggest } from './suggest';
import { formatValue, type Value } from './values';

/** Each augmentation, its one argument's name, the default, and the rule for it (a check and its words). */
export const AUGMENTATIONS: Readonly<
  Record<string, { readonly arg: string; readonly fallback: number; readonly ok: (n: number) => boolean; readonly words: string }>
> = {
  flip: { arg: 'p', fallback: 0.5, ok: (n) => n >= 0 && n <= 1, words: 'a probability in [0, 1]' },
  crop: { arg: 'pad', fallback: 4, ok: (n) => Number.isInteger(n) && n >= 1 && n <= 1024, words: 'a whole number of pixels, 1 or more' },
  rotate: { arg: 'degrees', fallback: 15, ok: (n) => n > 0 && n <= 180, words: 'an angle in degrees, above 0 and at most 180' },
  translate: { arg: 'pixels', fallback: 3, ok: (n) => Number.isInteger(n) && n >= 1 && n <= 1024, words: 'a whole number of pixels, 1 or more' },
  brightness: { arg: 'amount', fallback: 0.2, ok: (n) => n > 0 && n < 1, words: 'a fraction between 0 and 1' },
  contrast: { arg: 'amount', fallback: 0.2, ok: (n) => n > 0 && n < 1, words: 'a fraction between 0 and 1' },
  cutout: { arg: 'size', fallback: 8, ok: (n) => Number.isInteger(n) && n >= 1 && n <= 1024, words: 'a whole number of pixels, 1 or more' },
};

/** One augmentation as written: its kind and its argument when given. */
export interface AugmentConfig {
  readonly kind: string;
  readonly amount?: number;
}

/** `auto` (statistics of the training split) or fixed per-channel statistics (one number stands for every channel). */
export type NormalizeConfig = { readonly kind: 'auto' } | { readonly kind: 'fixed'; readonly mean: readonly number[]; readonly std: readonly number[] };

type Report = (span: Value['span'], message: string, fix?: Fix) => void;

/** `augment: [flip, crop(pad: 4), rotate(15), …]`; a single augmentation may be written without the brackets. */
export function lowerAugment(v: Value, report: Report): AugmentConfig[] {
  const items = v.kind === 'list' || v.kind === 'tuple' ? v.items : [v];
  const out: AugmentConfig[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const step = augmentation(item, report);
    if (!step) continue;
    if (seen.has(step.kind)) {
      report(item.span, `'${step.kind}' is listed twice in 'augment'.`);
      continue;
    }
    seen.add(step.kind);
    out.push(step);
  }
  return out;
}

function augmentation(v: Value, report: Report): AugmentConfig | undefined {
  const name = v.kind === 'word' || v.kind === 'call' ? v.name : undefined;
  const known = Object.keys(AUGMENTATIONS);
  if (name === undefined) return void report(v.span, `'augment' lists augmentations (${known.join(', ')}); got ${formatValue(v)}.`);
  const rule = AUGMENTATIONS[name];
  if (!rule) {
    // In `flipp(0.5)` only the name is replaced, not the call.
    const at = v.kind === 'call' ? { start: v.span.start, end: v.span.start + name.length } : v.span;
    const s = suggest(name, known, at);
    return void report(v.span, `Unknown augmentation '${name}'${didYouMean(s)} Known: ${known.join(', ')}.`, s?.fix);
  }
  const args = v.kind === 'call' ? v.args : [];
  if (args.length === 0) return { kind: name };
  if (args.length > 1 || (args[0].name !== undefined && args[0].name !== rule.arg))
    return void report(v.span, `${name}() takes one setting, '${rule.arg}' (e.g. ${name}(${rule.arg}: ${rule.fallback})).`);
  const a = args[0].value;
  if (a.kind !== 'number' || !Number.isFinite(a.value) || !rule.ok(a.value))
    return void report(a.span, `${name}() '${rule.arg}' must be ${rule.words}, got ${formatValue(a)}.`);
  return { kind: name, amount: a.value };
}

/** `normalize: auto` or `normalize: stats(mean: [0.49, 0.48, 0.45], std: [0.25, 0.24, 0.26])` (or single numbers). */
export function lowerNormalize(v: Value, report: Report): NormalizeConfig | undefined {
  if (v.kind === 'word' && v.name === 'auto') return { kind: 'auto' };
  const usage = `'normalize' is auto (statistics of the training split) or stats(mean: [..], std: [..]) per channel`;
  if (v.kind !== 'call' || v.name !== 'stats') return void report(v.span, `${usage}; got ${formatValue(v)}.`);
  const named = new Map(v.args.map((a) => [a.name, a.value]));
  const mean = named.get('mean');
  const std = named.get('std');
  if (!mean || !std || v.args.length !== 2) return void report(v.span, `stats() takes exactly 'mean' and 'std', e.g. stats(mean: 0.5, std: 0.25).`);
  const m = numbers(mean, 'mean', () => true, 'numbers', report);
  const s = numbers(std, 'std', (n) => n > 0, 'positive numbers', report);
  if (!m || !s) return undefined;
  if (m.length !== s.length && m.length !== 1 && s.length !== 1)
    return void report(v.span, `stats() has ${m.length} means but ${s.length} standard deviations; give one per channel.`);
  return { kind: 'fixed', mean: m, std: s };
}

function numbers(v: Value, what: string, ok: (n: number) => boolean, words: string, report: Report): number[] | undefined {
  const items = v.kind === 'list' || v.kind === 'tuple' ? v.items : [v];
  const out = items.map((x) => (x.kind === 'number' && Number.isFinite(x.value) && ok(x.value) ? x.value : undefined));
  if (items.length === 0 || items.length > 64 || out.some((x) => x === undefined))
    return void report(v.span, `'${what}' must be one or a list of ${words} (one per channel), got ${formatValue(v)}.`);
  return out as number[];
}
