// The `schedule:` and `early_stopping:` training settings: validated into plain configs (defaults are filled in by
// ide/train-settings.ts); each bad argument is one `invalid-training` diagnostic on the argument itself.

import type { Value } from './values';
import { formatValue } from './values';
// A cycle with train-config.ts (which lowers these settings): METRICS is read only when a monitor is checked.
import { METRICS } from './train-config';

/** Each schedule and the named arguments it takes. */
export const SCHEDULES: Readonly<Record<string, readonly string[]>> = {
  constant: [],
  step: ['every', 'gamma'],
  cosine: ['warmup', 'min_lr'],
  one_cycle: ['max_lr', 'pct_start', 'div_factor', 'final_div_factor'],
  reduce_on_plateau: ['monitor', 'factor', 'patience', 'min_lr', 'threshold'],
};

export interface ScheduleConfig {
  readonly name: string;
  /** Only the arguments written. */
  readonly args: Readonly<Record<string, number | string>>;
}

export interface EarlyStoppingConfig {
  readonly patience: number;
  readonly monitor?: string;
  readonly minDelta?: number;
}

/** What can be monitored: the loss or a metric, on the training data or (`val_`) the validation split. */
export const monitors = (): readonly string[] => ['loss', ...METRICS].flatMap((m) => [m, `val_${m}`]);

type Report = (span: Value['span'], message: string) => void;

/** Each argument's rule: a check of the number, and the words of the rule for the message. */
const RULES: Readonly<Record<string, readonly [(n: number) => boolean, string]>> = {
  every: [(n) => Number.isInteger(n) && n >= 1, 'a positive whole number of epochs'],
  gamma: [(n) => n > 0, 'a positive factor'],
  warmup: [(n) => Number.isInteger(n) && n >= 0, 'a whole number of epochs, 0 or more'],
  min_lr: [(n) => n >= 0, 'a learning rate, 0 or more'],
  max_lr: [(n) => n > 0, 'a positive learning rate'],
  pct_start: [(n) => n > 0 && n < 1, 'a fraction between 0 and 1'],
  div_factor: [(n) => n > 0, 'a positive factor'],
  final_div_factor: [(n) => n > 0, 'a positive factor'],
  factor: [(n) => n > 0 && n < 1, 'a factor between 0 and 1'],
  patience: [(n) => Number.isInteger(n) && n >= 0, 'a whole number of epochs, 0 or more'],
  threshold: [(n) => n >= 0, 'a relative threshold, 0 or more'],
  min_delta: [(n) => n >= 0, 'a change, 0 or more'],
};

function argument(name: string, v: Value, report: Report): number | string | undefined {
  if (name === 'monitor') {
    if (v.kind === 'word' && monitors().includes(v.name)) return v.name;
    return void report(v.span, `'monitor' is what to watch: loss, val_loss, or a metric with or without val_ (e.g. val_accuracy); got ${formatValue(v)}.`);
  }
  const [ok, words] = RULES[name];
  if (v.kind === 'number' && Number.isFinite(v.value) && ok(v.value)) return v.value;
  return void report(v.span, `'${name}' must be ${words}, got ${formatValue(v)}.`);
}

function namedArgs(v: Value, allowed: readonly string[], what: string, report: Report): Record<string, number | string> {
  const args: Record<string, number | string> = {};
  for (const a of v.kind === 'call' ? v.args : []) {
    if (!a.name || !allowed.includes(a.name)) {
      report(
        a.value.span,
        `${what}() takes named settings${allowed.length ? `: ${allowed.join(', ')}` : ' — none'}${a.name ? `; '${a.name}' is not one of them` : ''}.`,
      );
      continue;
    }
    const value = argument(a.name, a.value, report);
    if (value !== undefined) args[a.name] = value;
  }
  return args;
}

/** `schedule: cosine(warmup: 2)`, `step(every: 10, gamma: 0.5)`, `one_cycle`, `reduce_on_plateau(patience: 3)`, `constant`. */
export function lowerSchedule(v: Value, report: Report): ScheduleConfig | undefined {
  const name = v.kind === 'word' || v.kind === 'call' ? v.name : undefined;
  if (name === undefined || !(name in SCHEDULES))
    return void report(v.span, `Unknown schedule ${formatValue(v)}; known: ${Object.keys(SCHEDULES).join(', ')}.`);
  const args = namedArgs(v, SCHEDULES[name], name, report);
  // A wrong `every` has had its diagnostic; only a missing one gets this.
  const written = v.kind === 'call' && v.args.some((a) => a.name === 'every');
  if (name === 'step' && !written) return void report(v.span, `step() needs 'every': the epochs between two reductions, e.g. step(every: 10, gamma: 0.1).`);
  return name === 'step' && args.every === undefined ? undefined : { name, args };
}

/** `early_stopping: 5` (patience, watching the default) or `early_stopping: patience(5, monitor: val_accuracy, min_delta: 0.001)`. */
export function lowerEarlyStopping(v: Value, report: Report): EarlyStoppingConfig | undefined {
  if (v.kind === 'number') {
    const patience = argument('patience', v, report);
    return typeof patience === 'number' ? { patience } : undefined;
  }
  if (v.kind !== 'call' || v.name !== 'patience' || v.args.length === 0 || v.args[0].name !== undefined)
    return void report(v.span, `'early_stopping' takes the patience in epochs: early_stopping: 5, or patience(5, monitor: val_accuracy, min_delta: 0.001).`);
  const patience = argument('patience', v.args[0].value, report);
  const rest = { ...v, args: v.args.slice(1) };
  const args = namedArgs(rest, ['monitor', 'min_delta'], 'patience', report);
  if (typeof patience !== 'number') return undefined;
  return { patience, monitor: args.monitor as string | undefined, minDelta: args.min_delta as number | undefined };
}
