// The fine-tuning part of a training model's settings (`freeze:`, `unfreeze:`, `init:`, `lr_mult:`) and its validator.

import { fail, int, isObject, obj, str, strings } from './validate';

/** Layer names are the training model's node names, already resolved from the names written (ide/train-settings.ts). */
export interface FineTuneSetting {
  /** Layers whose weights are not updated (a frozen batch norm runs in inference mode, as in Keras). */
  readonly freeze: readonly string[];
  /** The frozen layers train too after this many epochs (absent: frozen for the whole run). */
  readonly unfreeze?: number;
  /** Weights to start from, as written in the section (relative to the file's folder); the CLI's --init overrides it. */
  readonly init?: string;
  /** Learning-rate factor per layer (the optimizer's lr × factor, as a PyTorch parameter group). */
  readonly lrMult: Readonly<Record<string, number>>;
}

const MAX_LAYERS = 100_000;

export function checkFineTune(v: unknown): FineTuneSetting {
  const o = obj(v, 'fineTune');
  if (!isObject(o.lrMult)) return fail(`'fineTune.lrMult' must be an object`);
  const lrMult = Object.entries(o.lrMult);
  if (lrMult.length > MAX_LAYERS) return fail(`'fineTune.lrMult' has too many layers`);
  for (const [name, f] of lrMult)
    if (typeof f !== 'number' || !Number.isFinite(f) || f < 0) return fail(`lr_mult of '${name.slice(0, 100)}' must be a finite number, 0 or more`);
  return {
    freeze: strings(o, 'freeze', MAX_LAYERS, 1000),
    ...(o.unfreeze === undefined ? {} : { unfreeze: int(o, 'unfreeze', 1, 1_000_000) }),
    ...(o.init === undefined ? {} : { init: str(o, 'init', 10_000) }),
    lrMult: Object.fromEntries(lrMult) as Record<string, number>,
  };
}
