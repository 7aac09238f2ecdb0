// A run's state at an epoch's end or between two batches — weights, optimizer slots, schedule, early stopping, dropout
// draws, the epoch's running sums — captured from and restored into the live objects, so a resumed run continues the
// uninterrupted one bit for bit (same backend).

import * as tf from '@tensorflow/tfjs';
import type { LoopState, PartialEpoch, TrainState } from '../protocol/train-state';
export type { PartialEpoch, TrainState } from '../protocol/train-state';
import type { TrainingModel } from '../protocol/training-model';
import type { WeightSpec, WeightsPayload } from '../protocol/training-payloads';
import { SeededLayer } from './layers/seeded';
import type { OptimizerPlan } from './optimizers';
import type { LearningRate, Monitor } from './schedule';

/** The live objects of a run that hold its state (the trainer's loop). */
export interface LiveRun {
  readonly model: tf.LayersModel;
  readonly plan: OptimizerPlan;
  readonly schedule: LearningRate;
  /** Optimisation steps taken so far. */
  readonly step: number;
}

/** The private accumulators of tfjs's Adam: tf.AdamOptimizer.setWeights recomputes them with pow, not bit-equal. */
interface AdamAccumulators {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

/** Named tensors as one little-endian buffer with tfjs manifest specs (what weights.bin and the page use). */
export function packTensors(named: readonly { name: string; tensor: tf.Tensor }[]): WeightsPayload {
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const { name, tensor } of named) {
    const values = tensor.dataSync();
    specs.push({ name, shape: [...tensor.shape], dtype: tensor.dtype === 'int32' ? 'int32' : 'float32' });
    parts.push(new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)));
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { specs, data };
}

/** The tensors of a payload, in order (the caller disposes them). */
export function unpackTensors(payload: WeightsPayload): { name: string; tensor: tf.Tensor }[] {
  let at = 0;
  return payload.specs.map((spec) => {
    const count = spec.shape.reduce((a, d) => a * d, 1);
    const bytes = payload.data.slice(at, at + count * 4);
    at += count * 4;
    const values = spec.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
    return { name: spec.name, tensor: tf.tensor(values, [...spec.shape], spec.dtype === 'int32' ? 'int32' : 'float32') };
  });
}

/**
 * The state after `epoch` completed epochs (and, with `partial`, that far into the next one). Synchronous reads between
 * steps, so nothing races an update.
 */
export async function captureState(
  run: LiveRun,
  monitor: Monitor,
  epoch: number,
  seed: number,
  optimizer: string,
  partial: PartialEpoch | null = null,
): Promise<TrainState> {
  const weights = packTensors(run.model.weights.map((w) => ({ name: w.originalName, tensor: w.read() })));
  const slots = await run.plan.optimizer.getWeights();
  const packed = packTensors(slots);
  tf.dispose(slots[0]?.tensor); // the iteration count is a fresh scalar; the others are the optimizer's own variables
  const adam = adamOf(run.plan.optimizer);
  const loop: LoopState = {
    epoch,
    step: run.step,
    seed,
    optimizer,
    schedule: run.schedule.state,
    monitor: monitor.state,
    accBeta: adam ? [adam.accBeta1.dataSync()[0], adam.accBeta2.dataSync()[0]] : null,
    dropout: Object.fromEntries(seededLayers(run.model).map((d) => [d.name, d.calls])),
    partial,
  };
  return { loop, weights, optimizer: packed };
}

/** Loads a state captured from a run of the same model and settings; a mismatch is a clear error before training. */
export async function restoreState(run: LiveRun, monitor: Monitor, state: TrainState, optimizer: string): Promise<void> {
  if (state.loop.optimizer !== optimizer)
    throw new Error(`The checkpoint was saved with optimizer '${state.loop.optimizer}', the run uses '${optimizer}'; it cannot continue that run.`);
  restoreModelWeights(run.model, state.weights);
  const slots = unpackTensors(state.optimizer);
  try {
    if (slots.length === 0) throw new Error('The checkpoint holds no optimizer state.');
    await run.plan.optimizer.setWeights(slots);
  } finally {
    tf.dispose(slots.map((s) => s.tensor));
  }
  const acc = state.loop.accBeta;
  const adam = adamOf(run.plan.optimizer);
  if (acc && adam) {
    tf.tidy(() => {
      adam.accBeta1.assign(tf.scalar(acc[0]));
      adam.accBeta2.assign(tf.scalar(acc[1]));
    });
  }
  run.schedule.restore(state.loop.schedule);
  monitor.restore(state.loop.monitor);
  for (const d of seededLayers(run.model)) d.calls = state.loop.dropout[d.name] ?? 0;
}

/** Writes every weight by name; a missing weight or another shape says the model changed. */
function restoreModelWeights(model: tf.LayersModel, payload: WeightsPayload): void {
  const tensors = unpackTensors(payload);
  try {
    const byName = new Map(tensors.map((t) => [t.name, t.tensor]));
    if (tensors.length !== model.weights.length)
      throw new Error(`The checkpoint holds ${tensors.length} weights, the model has ${model.weights.length}; the model changed since it was saved.`);
    for (const w of model.weights) {
      const t = byName.get(w.originalName);
      if (!t || t.shape.length !== w.shape.length || t.shape.some((d, k) => d !== w.shape[k]))
        throw new Error(`The checkpoint's weight '${w.originalName}' is missing or has another shape; the model changed since it was saved.`);
    }
    model.weights.forEach((w) => w.write(byName.get(w.originalName)!));
  } finally {
    tf.dispose(tensors.map((t) => t.tensor));
  }
}

/** Adam's accumulators, found by their fields: tfjs optimizers answer `instanceof` for any optimizer. */
function adamOf(optimizer: tf.Optimizer): AdamAccumulators | undefined {
  const o = optimizer as unknown as Partial<AdamAccumulators>;
  return o.accBeta1 instanceof tf.Variable && o.accBeta2 instanceof tf.Variable ? (o as AdamAccumulators) : undefined;
}

/**
 * The model's layers with seeded draws (dropout of every kind, drop path, noise, attention dropout), whose draw
 * counters a checkpoint keeps (and partner threads follow).
 */
export function seededLayers(model: tf.LayersModel): SeededLayer[] {
  return model.layers.filter((l): l is SeededLayer => l instanceof SeededLayer);
}

/** A short, stable digest of a JSON-able value (FNV-1a, two lanes): equal runs give equal digests on every host. */
export function digest(value: unknown): string {
  const text = JSON.stringify(value);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c ^ (a >>> 7), 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** What a checkpoint was saved for: the model's digest and the run's effective settings. */
export interface Fingerprint {
  readonly model: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

/** The fingerprint of a lowered model (its layers, not its settings) and the settings a run actually uses. */
export function fingerprintOf(model: TrainingModel, settings: Readonly<Record<string, unknown>>): Fingerprint {
  return { model: digest({ name: model.name, nodes: model.nodes, inputs: model.inputs, outputs: model.outputs }), settings: { ...settings } };
}

/** Why a checkpoint cannot continue this run (the model or named settings changed), or null when it can. */
export function fingerprintMismatch(saved: Fingerprint, now: Fingerprint): string | null {
  if (saved.model !== now.model) return 'the model changed since the checkpoint was saved';
  const keys = [...new Set([...Object.keys(saved.settings), ...Object.keys(now.settings)])];
  const changed = keys.filter((k) => JSON.stringify(saved.settings[k]) !== JSON.stringify(now.settings[k]));
  if (changed.length === 0) return null;
  const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
  return `settings changed since the checkpoint was saved: ${changed.map((k) => `${k} ${show(saved.settings[k])} → ${show(now.settings[k])}`).join(', ')}`;
}
