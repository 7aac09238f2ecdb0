// One optimisation step: the loss of a batch, its gradients (shared out among threads when there are partners), the update.
import * as tf from '@tensorflow/tfjs';
import type { FineTune } from './fine-tune';
import { outputLoss, type OutputForm } from './objective';
import type { OptimizerPlan } from './optimizers';
import { applyUpdate } from './update';

/** What a step needs to turn outputs into a loss: the loss name, each output's form, the number of classes. */
export interface StepObjective {
  readonly loss: string;
  readonly forms: readonly OutputForm[];
  readonly classes: number;
}

/** A share of one batch's work, as a partner thread returns it: the mean loss and gradients over its rows. */
export interface ShareResult {
  readonly loss: number;
  /** The gradient of each weight asked for, flattened, in the order asked. */
  readonly grads: readonly Float32Array[];
  /** The first output's predictions for its rows. */
  readonly pred: tf.Tensor;
}

/**
 * Another thread holding a replica of the model (train/node/parallel/partner.ts). `start` hands it the model's
 * current weights and its rows of the batch and returns at once; the result comes while this thread does its own rows.
 */
export interface StepPartner {
  start(model: tf.LayersModel, vars: readonly tf.Variable[], xs: tf.Tensor, ys: tf.Tensor1D, objective: StepObjective): Promise<ShareResult>;
}

/** The loss (the outputs' losses plus the layers' regularisation), its gradients for `vars`, the first output. */
export function gradientsOf(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor1D, objective: StepObjective, vars: tf.Variable[]) {
  return tf.tidy(() => {
    let firstPred: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const outs = toArray(model.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[]);
      firstPred = tf.keep(outs[0]);
      let total = outs.map((o, i) => outputLoss(objective.loss, objective.forms[i], o, ys, objective.classes)).reduce((a, b) => tf.add(a, b));
      for (const reg of model.calculateLosses()) total = tf.add(total, reg);
      return total as tf.Scalar;
    }, vars);
    return { value, grads, pred: firstPred! };
  });
}

/**
 * One optimisation step of `model` on (xs, integer labels ys): forward in training mode, the loss summed over the
 * outputs plus the layers' regularisation losses, gradients, then weight decay and the optimizer's update — applied
 * only when the loss is finite. Returns the loss and the first output's predictions (the caller disposes them).
 * With partners, the batch's rows are shared out (this thread keeps the first share) and the losses and gradients are
 * the row-weighted means of the shares — the whole batch's, since every loss is a mean over rows — as PyTorch's
 * DistributedDataParallel averages its processes'; batch norm then sees each share's statistics, as there.
 * The training loop and the throughput benchmark both run this.
 */
export async function optimizeBatch(
  model: tf.LayersModel,
  plan: OptimizerPlan,
  xs: tf.Tensor,
  ys: tf.Tensor1D,
  objective: StepObjective,
  tune?: FineTune,
  partners: readonly StepPartner[] = [],
): Promise<{ loss: number; pred: tf.Tensor }> {
  const all = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const vars = tune ? tune.trainable(all) : all;
  const [own, ...rest] = shares(xs.shape[0], partners.length + 1);
  // The partners start first: each copies its rows and the weights, then works while this thread does its share.
  const pending = rest.map(([from, to], i) => startShare(partners[i], model, vars, xs, ys, from, to, objective));
  let step: ReturnType<typeof gradientsOf>;
  try {
    step = rest.length === 0 ? gradientsOf(model, xs, ys, objective, vars) : ownShare(model, xs, ys, own[1], objective, vars);
  } catch (err) {
    // The partners' shares are still running: let them end (their results are not wanted) before reporting.
    for (const r of await Promise.allSettled(pending)) if (r.status === 'fulfilled') r.value.pred.dispose();
    throw err;
  }
  const results = await Promise.allSettled(pending);
  const got = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  let merged: { loss: number; grads: tf.NamedTensorMap; pred: tf.Tensor } | undefined;
  try {
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const loss = (await step.value.data())[0];
    merged = got.length > 0 ? merge(step, loss, own[1], got, vars) : { loss, grads: step.grads, pred: step.pred };
    if (Number.isFinite(merged.loss)) applyUpdate(plan, all, merged.grads, tune);
    return { loss: merged.loss, pred: merged.pred };
  } catch (err) {
    (merged?.pred ?? step.pred).dispose();
    throw err;
  } finally {
    const extra = merged && merged.grads !== step.grads ? Object.values(merged.grads) : [];
    tf.dispose([step.value, ...Object.values(step.grads), ...extra, ...got.map((g) => g.pred)]);
    if (merged && merged.pred !== step.pred) step.pred.dispose();
  }
}

/** Row ranges [from, to) of `n` rows for `k` threads, as even as they go; no empty share (a small last batch uses fewer). */
export function shares(n: number, k: number): Array<[number, number]> {
  const used = Math.max(1, Math.min(k, n));
  const out: Array<[number, number]> = [];
  for (let i = 0, from = 0; i < used; i++) {
    const size = Math.floor(n / used) + (i < n % used ? 1 : 0);
    out.push([from, from + size]);
    from += size;
  }
  return out;
}

type Share = ShareResult & { readonly count: number };

function startShare(
  partner: StepPartner,
  model: tf.LayersModel,
  vars: readonly tf.Variable[],
  xs: tf.Tensor,
  ys: tf.Tensor1D,
  from: number,
  to: number,
  objective: StepObjective,
): Promise<Share> {
  const [x, y] = [xs.slice(from, to - from), ys.slice(from, to - from)];
  try {
    return partner.start(model, vars, x, y, objective).then((r) => ({ ...r, count: to - from }));
  } catch (err) {
    // As a rejection, so the step settles the other shares before it reports this one.
    return Promise.reject(err);
  } finally {
    tf.dispose([x, y]);
  }
}

function ownShare(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor1D, to: number, objective: StepObjective, vars: tf.Variable[]) {
  const [x, y] = [xs.slice(0, to), ys.slice(0, to)];
  try {
    return gradientsOf(model, x, y as tf.Tensor1D, objective, vars);
  } finally {
    tf.dispose([x, y]);
  }
}

/** The whole batch's loss, gradients and predictions from the shares': row-weighted means, rows in order. */
function merge(step: ReturnType<typeof gradientsOf>, loss: number, count: number, got: readonly Share[], vars: readonly tf.Variable[]) {
  const n = count + got.reduce((s, g) => s + g.count, 0);
  return tf.tidy(() => {
    const grads: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      if (!step.grads[v.name]) return;
      let sum = tf.mul(step.grads[v.name], count / n);
      for (const g of got) sum = tf.add(sum, tf.mul(tf.tensor(g.grads[i], v.shape, 'float32'), g.count / n));
      grads[v.name] = sum;
    });
    const total = got.reduce((s, g) => s + g.loss * g.count, loss * count) / n;
    return { loss: total, grads, pred: tf.concat([step.pred, ...got.map((g) => g.pred)]) };
  });
}

const toArray = (t: tf.Tensor | tf.Tensor[]): tf.Tensor[] => (Array.isArray(t) ? t : [t]);
