// Training-memory estimate for a batch size: weights, gradients, optimizer state and saved activations.

import type { TrainConfig } from './graph';
import type { LayerInfo, ModelTotals } from './infer';

export interface MemoryEstimate {
  readonly batch: number;
  readonly optimizer: string;
  readonly weights: number;
  readonly gradients: number;
  readonly optimizerState: number;
  readonly activations: number;
  readonly total: number;
  readonly assumptions: readonly string[];
}

/** Extra float32 tensors per trainable weight that each optimizer keeps. */
const OPTIMIZER_SLOTS: Record<string, number> = { sgd: 0, adam: 2, adamw: 2, rmsprop: 1, adagrad: 1 };

export function estimateTrainingMemory(layers: readonly LayerInfo[], totals: ModelTotals, batch: number, optimizer?: TrainConfig['optimizer']): MemoryEstimate {
  const name = optimizer?.name ?? 'adam';
  let slots = OPTIMIZER_SLOTS[name] ?? 2;
  if (name === 'sgd' && Number(optimizer?.args.momentum ?? 0) > 0) slots = 1;
  if (name === 'rmsprop' && Number(optimizer?.args.momentum ?? 0) > 0) slots = 2;
  const weights = 4 * totals.params;
  const gradients = 4 * totals.trainable;
  const optimizerState = 4 * totals.trainable * slots;
  const perSample = layers.reduce((sum, l) => sum + (l.activationBytes ?? 0), 0);
  const activations = batch * perSample;
  return {
    batch,
    optimizer: name,
    weights,
    gradients,
    optimizerState,
    activations,
    total: weights + gradients + optimizerState + activations,
    assumptions: [
      'float32 everywhere (4 bytes per value)',
      'every layer output is kept for the backward pass (no recomputation, no in-place activations)',
      `${name} keeps ${slots} extra value${slots === 1 ? '' : 's'} per trainable weight`,
      'framework workspace, fragmentation and the data pipeline are not included',
    ],
  };
}
