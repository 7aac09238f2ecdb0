// The shared memory between the main thread and one partner thread (partner.ts, partner-thread.ts): a control block
// and fixed regions for the weights, a share's inputs and labels, the weights to differentiate, and the results.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TrainingModel } from '../../../protocol/training-model';
import type { StepObjective } from '../../step';

/** Words of the control block. */
export const Control = { State: 0, Rows: 1, Vars: 2, Tensors: 3, Words: 4 } as const;

/** The partner's state; the main thread moves it Idle → Work, the partner Work → Done (or Failed). */
export const State = { Starting: 0, Idle: 1, Work: 2, Done: 3, Failed: 4, Quit: 5 } as const;
export type State = (typeof State)[keyof typeof State];

/**
 * How a partner builds the model: from the lowered Stride model, as the main thread did (train/model-builder.ts), or
 * by `require(module)[name](arg)` (the benchmark's nets, built with tf.layers). The weights come from the main thread.
 */
export type ModelRecipe =
  | { readonly kind: 'stride'; readonly training: TrainingModel; readonly seed?: number }
  | { readonly kind: 'module'; readonly module: string; readonly name: string; readonly arg: unknown };

/** Per step, besides the shared memory: the objective, and the main thread's seeded dropout draws so far. */
export interface StepMessage {
  readonly objective: StepObjective;
  readonly dropoutCalls: readonly number[];
}

/**
 * How far apart the replicas' dropout draws are: partner `rank` draws with the seeds the main thread would use
 * `rank` × this many steps later, so shares get their own masks (as one thread's rows do) and the draws are still a
 * function of the step, which a resumed run restores.
 */
export const DROPOUT_STREAM = 1 << 24;

/** Byte offsets and sizes of the regions (all lengths in elements). */
export interface Layout {
  readonly bytes: number;
  readonly maxRows: number;
  readonly weights: number;
  readonly weightCount: number;
  readonly x: number;
  readonly sample: number;
  readonly y: number;
  readonly vars: number;
  /** The loss, then every gradient asked for, flattened. */
  readonly out: number;
  readonly outLength: number;
  readonly pred: number;
  readonly predSize: number;
  readonly predShape: readonly number[];
}

/**
 * The model's weights in an order both threads agree on: layer by layer, each layer's own order (a model's flat
 * `weights` list puts the trainable ones first, which a frozen layer would reorder).
 */
export function weightsInOrder(model: tf.LayersModel): tf.Variable[] {
  const seen = new Set<number>();
  const out: tf.Variable[] = [];
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const v = w.read() as tf.Variable;
      if (!seen.has(v.id)) out.push(v);
      seen.add(v.id);
    }
  }
  return out;
}

const product = (dims: readonly (number | null)[], what: string): number =>
  dims.reduce<number>((n, d) => {
    if (d === null || d < 0) throw new Error(`The training threads need the model's ${what} shape to be fixed, not [${dims.join(', ')}].`);
    return n * d;
  }, 1);

export function layoutOf(model: tf.LayersModel, maxRows: number): Layout {
  const weights = weightsInOrder(model);
  const weightCount = weights.reduce((n, w) => n + w.size, 0);
  const sample = product(model.inputs[0].shape.slice(1), 'input');
  const predShape = model.outputs[0].shape.slice(1) as number[];
  const predSize = product(predShape, 'output');
  let at = Control.Words * 4;
  const region = (elements: number) => {
    const start = at;
    at += elements * 4;
    return start;
  };
  return {
    maxRows,
    weights: region(weightCount),
    weightCount,
    x: region(maxRows * sample),
    sample,
    y: region(maxRows),
    vars: region(weights.length),
    out: region(1 + weightCount),
    outLength: 1 + weightCount,
    pred: region(maxRows * predSize),
    predSize,
    predShape,
    bytes: at,
  };
}

/** On the wasm backend, a variable's data on the backend's heap (no copy); elsewhere undefined. */
function onHeap(v: tf.Variable): Float32Array | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  return (tf.backend() as BackendWasm).typedArrayFromHeap(v) as Float32Array;
}

/** Copies the weights' values, one after another, into `dst` from `offset`. */
export function readWeights(weights: readonly tf.Variable[], dst: Float32Array): void {
  let offset = 0;
  for (const w of weights) {
    dst.set(onHeap(w) ?? (w.dataSync() as Float32Array), offset);
    offset += w.size;
  }
}

/**
 * Sets the weights from `src` (one after another), each to a fresh tensor. Not in place on the wasm heap: the
 * backend's XNNPACK operators keep packed copies of weights by their data's identity, and would not see the change.
 */
export function writeWeights(weights: readonly tf.Variable[], src: Float32Array): void {
  let offset = 0;
  tf.tidy(() => {
    for (const w of weights) {
      w.assign(tf.tensor(src.slice(offset, offset + w.size), w.shape, 'float32'));
      offset += w.size;
    }
  });
}
