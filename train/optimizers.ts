// tfjs optimizers from a `train` section's optimizer setting, and how its weight decay is applied.

import * as tf from '@tensorflow/tfjs';

/**
 * The fused Adam step a backend may register (the wasm one does, in train/node/backends/wasm-adam.ts). Only its name
 * and attributes live here, so the optimizer, which the training page bundles too, needs no backend code.
 */
export const FUSED_ADAM = 'StrideFusedAdam';

/** Attributes of one fused step: the optimizer's constants and this step's bias corrections. */
export interface FusedAdamAttrs {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** 1 − β1ᵗ and 1 − β2ᵗ of this step, as float32 values (what tfjs computes from its accumulators). */
  readonly oneMinusAccBeta1: number;
  readonly oneMinusAccBeta2: number;
}

export interface OptimizerSetting {
  readonly name: string;
  readonly args: Readonly<Record<string, number | boolean>>;
}

export interface OptimizerPlan {
  readonly optimizer: tf.Optimizer;
  readonly lr: number;
  readonly weightDecay: number;
  /**
   * How weight decay is applied, following torch.optim so results are comparable with PyTorch:
   * `coupled` adds weight_decay·w to every trainable weight's gradient (L2 regularisation, as in SGD/Adam/RMSprop/Adagrad);
   * `decoupled` shrinks every trainable weight by lr·weight_decay before the update (AdamW).
   */
  readonly decay: 'coupled' | 'decoupled';
}

const numArg = (args: OptimizerSetting['args'], key: string): number | undefined => (typeof args[key] === 'number' ? (args[key] as number) : undefined);

/** The learning rate the optimizer applies now: every tfjs optimizer keeps it in `learningRate`. */
export function learningRateOf(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}

/**
 * Changes the learning rate for the next updates, keeping the optimizer's state (moments, accumulators), as a PyTorch
 * scheduler sets `param_group['lr']`. SGD and momentum cache −lr in a tensor, which `setLearningRate` renews; the
 * others read the field at every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  if (learningRateOf(optimizer) === lr) return;
  const withSetter = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof withSetter.setLearningRate === 'function') withSetter.setLearningRate(lr);
  else withSetter.learningRate = lr;
}

export function makeOptimizer(setting: OptimizerSetting): OptimizerPlan {
  const a = setting.args;
  const lr = numArg(a, 'lr') ?? (setting.name === 'sgd' ? 0.01 : 0.001);
  const weightDecay = numArg(a, 'weight_decay') ?? 0;
  const plan = (optimizer: tf.Optimizer, decay: OptimizerPlan['decay'] = 'coupled'): OptimizerPlan => ({ optimizer, lr, weightDecay, decay });
  switch (setting.name) {
    case 'sgd': {
      const momentum = numArg(a, 'momentum') ?? 0;
      return plan(momentum > 0 || a.nesterov === true ? tf.train.momentum(lr, momentum, a.nesterov === true) : tf.train.sgd(lr));
    }
    case 'adam':
      return plan(new FusedAdamOptimizer(lr, numArg(a, 'beta1') ?? 0.9, numArg(a, 'beta2') ?? 0.999, numArg(a, 'epsilon')));
    case 'adamw':
      return plan(new FusedAdamOptimizer(lr, numArg(a, 'beta1') ?? 0.9, numArg(a, 'beta2') ?? 0.999, numArg(a, 'epsilon')), 'decoupled');
    case 'rmsprop':
      return plan(tf.train.rmsprop(lr, numArg(a, 'rho') ?? 0.9, numArg(a, 'momentum') ?? 0, numArg(a, 'epsilon')));
    case 'adagrad':
      return plan(tf.train.adagrad(lr));
    default:
      throw new Error(`Unknown optimizer '${setting.name}'; known: sgd, adam, adamw, rmsprop, adagrad.`);
  }
}

/** The private state of tfjs's AdamOptimizer that a fused step reads and updates (same fields, same names). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}

/**
 * tfjs's Adam, with one fused kernel per weight where the backend has it (wasm, train/node/backends/wasm-adam.ts):
 * the same state, serialisation and float32 arithmetic in the same order, so results are those of tf.train.adam;
 * elsewhere (webgl, cpu, tensorflow) it is tf.train.adam itself.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (!tf.getKernel(FUSED_ADAM, tf.getBackend())) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const named: { name: string; tensor: tf.Tensor | null }[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    tf.tidy(() => {
      // 1 − βᵗ as tfjs computes it: a float32 subtraction from its float32 accumulators.
      const attrs: FusedAdamAttrs = {
        learningRate: state.learningRate,
        beta1: state.beta1,
        beta2: state.beta2,
        epsilon: state.epsilon,
        oneMinusAccBeta1: Math.fround(1 - state.accBeta1.dataSync()[0]),
        oneMinusAccBeta2: Math.fround(1 - state.accBeta2.dataSync()[0]),
      };
      named.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name];
        state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i].variable;
        const v = state.accumulatedSecondMoment[i].variable;
        const inputs = { value, m, v, gradient } as unknown as tf.NamedTensorMap;
        const [newValue, newM, newV] = tf.engine().runKernel(FUSED_ADAM, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(newM);
        v.assign(newV);
        value.assign(newValue);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, state.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, state.beta2));
    });
    state.incrementIterations();
  }
}
