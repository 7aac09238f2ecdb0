// One optimizer update: weight decay as torch.optim applies it, frozen weights left out, per-layer learning rates.

import * as tf from '@tensorflow/tfjs';
import type { FineTune } from './fine-tune';
import { learningRateOf, type OptimizerPlan } from './optimizers';

/**
 * Weight decay (see OptimizerPlan.decay), then the optimizer's own update. Every weight keeps its place in the map
 * (null for a frozen one), because tfjs optimizers keep their state by position. A layer's lr factor is applied as a
 * PyTorch parameter group's lr: for SGD (with or without momentum) by scaling its gradient, which is exact; for the
 * adaptive optimizers, whose step does not scale with the gradient, by scaling the step the optimizer took.
 */
export function applyUpdate(plan: OptimizerPlan, vars: readonly tf.Variable[], grads: tf.NamedTensorMap, tune?: FineTune): void {
  tf.tidy(() => {
    const wd = plan.weightDecay;
    const mult = (v: tf.Variable) => tune?.mult(v) ?? 1;
    const g: Record<string, tf.Tensor | null> = {};
    // A weight without a gradient (frozen, or not on the path to the loss) is left alone, as the optimizer would.
    for (const v of vars) g[v.name] = grads[v.name] ?? null;
    const live = vars.filter((v) => g[v.name] !== null);
    if (wd > 0 && plan.decay === 'coupled') {
      for (const v of live) g[v.name] = tf.add(g[v.name]!, tf.mul(wd, v));
    } else if (wd > 0) {
      const lr = learningRateOf(plan.optimizer);
      for (const v of live) v.assign(tf.mul(v, 1 - lr * mult(v) * wd));
    }
    const scaled = tune?.hasFactors ? live.filter((v) => mult(v) !== 1) : [];
    const bySgd = linearInGradient(plan.optimizer);
    if (bySgd) for (const v of scaled) g[v.name] = tf.mul(g[v.name]!, mult(v));
    const before = bySgd ? [] : scaled.map((v) => [v, tf.clone(v)] as const);
    plan.optimizer.applyGradients(g as tf.NamedTensorMap);
    for (const [v, old] of before) v.assign(tf.add(old, tf.mul(tf.sub(v, old), mult(v))));
  });
}

/** SGD's step, with or without momentum, is lr times a linear function of the gradients. (tfjs optimizers answer
 * `instanceof` by shape, so the class is told by its registered name.) */
function linearInGradient(optimizer: tf.Optimizer): boolean {
  const name = (optimizer.constructor as { className?: string }).className;
  return name === 'SGD' || name === 'Momentum';
}
