// Shared pieces for turning Stride layer arguments into tfjs-layers configuration: activations, regularizers, seeds;
// and what the custom layers' `call`s share.

import * as tf from '@tensorflow/tfjs';
import type { ArgValue, ResolvedArgs } from '../../core/model/registry';
// Registers Stride's hard sigmoid and hard swish under the names in the table below.
import './hard-activations';

/** What tfjs passes a layer's `call` besides its inputs. */
export type Kwargs = { training?: boolean };

/** A single-input layer's input. */
export const input = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);

/** tfjs activation identifiers for Stride's activation names. */
export const TFJS_ACTIVATION: Readonly<Record<string, string>> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'strideHardSigmoid',
  hard_swish: 'strideHardSwish',
  tanh: 'tanh',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  swish: 'swish',
  silu: 'swish',
  mish: 'mish',
};

// tfjs types activation identifiers as a closed union; the table above only holds members of it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TfActivation = any;

export function activationOf(name: ArgValue | undefined): TfActivation {
  const key = typeof name === 'string' ? name : 'linear';
  const tfName = TFJS_ACTIVATION[key];
  if (tfName === undefined) throw new Error(`Activation '${key}' has no tfjs equivalent.`);
  return tfName;
}

/** Per-layer context: a name tfjs accepts, and a seed source for reproducible initialisation. */
export interface LayerContext {
  readonly name: string;
  readonly args: ResolvedArgs;
  /** Input shapes, batch excluded, as the core inferred them. */
  readonly inputShapes: readonly (readonly (number | null)[])[];
  /** The output shape the core inferred, batch excluded. */
  readonly outputShape: readonly (number | null)[];
  /** A fresh seed for each initializer, or undefined when initialisation is left random. */
  nextSeed(): number | undefined;
  /** The weights will be overwritten (loaded or folded): kernels start as zeros, skipping the slow random draws. */
  readonly placeholder?: boolean;
}

export const num = (v: ArgValue | undefined): number => v as number;
export const nums = (v: ArgValue | undefined): number[] => [...(v as readonly number[])];

/** `l1:`/`l2:` on a layer become a tfjs regularizer on its kernel; none when both are zero. */
export function regularizerOf(args: ResolvedArgs): ReturnType<typeof tf.regularizers.l1l2> | undefined {
  const l1 = num(args.l1 ?? 0);
  const l2 = num(args.l2 ?? 0);
  return l1 > 0 || l2 > 0 ? tf.regularizers.l1l2({ l1, l2 }) : undefined;
}

/** tfjs's own default kernel initializer (Glorot normal), seeded when a seed is given. */
export function kernelInit(ctx: LayerContext): ReturnType<typeof tf.initializers.glorotNormal> {
  return ctx.placeholder ? tf.initializers.zeros() : tf.initializers.glorotNormal({ seed: ctx.nextSeed() });
}

/** Drops undefined entries so tfjs applies its own defaults. */
export function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
