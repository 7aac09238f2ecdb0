// What every ONNX emitter shares: the layer context, the table of emitters by layer kind (each topic file fills it
// when imported), and the activation functions as ONNX operators.

import type { WeightArray } from '../../core/export/weights';
import type { ResolvedArgs } from '../../core/model/registry';
import { onnxAxis, type GraphBuilder, type Val } from './graph';

export interface Ctx {
  readonly g: GraphBuilder;
  readonly args: ResolvedArgs;
  readonly inputs: readonly Val[];
  /** The layer's output shape (channels last, batch excluded). */
  readonly out: readonly number[];
  /** The weight `key` of this layer (`kernel`, `bias`, `forward/kernel`, …), or of a part tfjs builds under `layer` + suffix. */
  weight(key: string, suffix?: string): WeightArray;
  has(key: string, suffix?: string): boolean;
  /** The sub-path of this layer's weights that starts with `start` (`forward_lstm_LSTM1/`): wrapped layers' weights. */
  prefixOf(start: string): string;
}

/** Why one layer cannot be written (its arguments, not its kind); the exporter names the layer and its line. */
export interface Refusal {
  readonly refused: string;
}

export type Emitter = (ctx: Ctx) => Val | Refusal;

const EMITTERS: Record<string, Emitter> = {};

/** Adds a topic's emitters to the one table; a kind registered twice is a programming error. */
export function registerEmitters(table: Readonly<Record<string, Emitter>>): void {
  for (const [kind, emitter] of Object.entries(table)) {
    if (Object.hasOwn(EMITTERS, kind)) throw new Error(`ONNX emitter for '${kind}' registered twice`);
    EMITTERS[kind] = emitter;
  }
}

export const emitterOf = (kind: string): Emitter | undefined => (Object.hasOwn(EMITTERS, kind) ? EMITTERS[kind] : undefined);

type Act = (g: GraphBuilder, x: Val, args: ResolvedArgs) => string;

const unary =
  (op: string, attrs = {}): Act =>
  (g, x) =>
    g.op(op, [x.name], attrs);

/** x · f(x) for the gated activations (swish, mish, gelu). */
const gated = (g: GraphBuilder, x: Val, gate: string) => g.op('Mul', [x.name, gate]);

/** Every activation the language names, as it computes in training (tfjs), written with opset-17 operators. */
export const ACT: Record<string, Act> = {
  relu: unary('Relu'),
  relu6: (g, x) => g.op('Clip', [x.name, g.scalar(0), g.scalar(6)]),
  sigmoid: unary('Sigmoid'),
  // Stride's hard sigmoid is relu6(x + 3) / 6 = clip(x/6 + 1/2, 0, 1): ONNX HardSigmoid with α = 1/6, β = 1/2.
  hard_sigmoid: unary('HardSigmoid', { alpha: { f: 1 / 6 }, beta: { f: 0.5 } }),
  hard_swish: unary('HardSwish'),
  hard_tanh: (g, x) => g.op('Clip', [x.name, g.scalar(-1), g.scalar(1)]),
  tanh: unary('Tanh'),
  softmax: (g, x, args) => g.op('Softmax', [x.name], { axis: { i: softmaxAxis(x, args) } }),
  softplus: unary('Softplus'),
  softsign: unary('Softsign'),
  elu: (g, x, args) => g.op('Elu', [x.name], { alpha: { f: Number(args.alpha ?? 1) } }),
  selu: unary('Selu'),
  // Gelu is an operator only from opset 20: the exact (erf) form, as tfjs computes it.
  gelu: (g, x) => {
    const erf = g.op('Erf', [g.op('Mul', [x.name, g.scalar(Math.SQRT1_2)])]);
    return g.op('Mul', [x.name, g.op('Mul', [g.op('Add', [erf, g.scalar(1)]), g.scalar(0.5)])]);
  },
  swish: (g, x) => gated(g, x, g.op('Sigmoid', [x.name])),
  silu: (g, x) => gated(g, x, g.op('Sigmoid', [x.name])),
  mish: (g, x) => gated(g, x, g.op('Tanh', [g.op('Softplus', [x.name])])),
  leaky_relu: (g, x, args) => g.op('LeakyRelu', [x.name], { alpha: { f: Number(args.alpha ?? 0.3) } }),
  thresholded_relu: (g, x, args) => g.op('ThresholdedRelu', [x.name], { alpha: { f: Number(args.theta ?? 1) } }),
};

/** The `axis:` of a softmax layer (the last by default), on the tensor's ONNX layout. */
function softmaxAxis(x: Val, args: ResolvedArgs): number {
  return onnxAxis(x, typeof args.axis === 'number' ? args.axis : -1);
}

/**
 * Applies a named activation (none for `linear`), keeping the layout. An `activation:` argument passes no `args`:
 * it always means the function's defaults (softmax over the last axis); activation layers pass their own.
 */
export function activate(g: GraphBuilder, x: Val, fn: unknown, args: ResolvedArgs = {}): Val {
  if (typeof fn !== 'string' || fn === 'linear') return x;
  return { ...x, name: ACT[fn](g, x, args) };
}

export const nums = (v: unknown): number[] => [...(v as readonly number[])];
