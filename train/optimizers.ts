// tfjs optimizers from a `train` section's optimizer setting, and how its weight decay is applied.

import * as tf from '@tensorflow/tfjs';

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
      return plan(tf.train.adam(lr, numArg(a, 'beta1') ?? 0.9, numArg(a, 'beta2') ?? 0.999, numArg(a, 'epsilon')));
    case 'adamw':
      return plan(tf.train.adam(lr, numArg(a, 'beta1') ?? 0.9, numArg(a, 'beta2') ?? 0.999, numArg(a, 'epsilon')), 'decoupled');
    case 'rmsprop':
      return plan(tf.train.rmsprop(lr, numArg(a, 'rho') ?? 0.9, numArg(a, 'momentum') ?? 0, numArg(a, 'epsilon')));
    case 'adagrad':
      return plan(tf.train.adagrad(lr));
    default:
      throw new Error(`Unknown optimizer '${setting.name}'; known: sgd, adam, adamw, rmsprop, adagrad.`);
  }
}
