// Fine-tuning in the training loop: which weights are frozen this epoch (a frozen batch norm runs in inference mode,
// as Keras does), and each weight's learning-rate factor. The names come resolved in the settings (ide/train-tune.ts).

import * as tf from '@tensorflow/tfjs';
import type { FineTuneSetting } from '../protocol/training-tune';
import { nodeOfLayer } from './model-builder';

type Call = tf.layers.Layer['call'];

/** The name of a layer weight's variable: the key of its gradient. */
const varName = (w: tf.LayersModel['trainableWeights'][number]): string => (w.read() as tf.Variable).name;

export class FineTune {
  /** Variable names (tf.Variable.name) of the frozen layers' weights. */
  private readonly frozenVars = new Set<string>();
  private readonly mults = new Map<string, number>();
  /** Batch norms inside frozen layers: switched to inference mode while frozen. */
  private readonly norms: tf.layers.Layer[] = [];
  private frozenNow = false;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly setting: FineTuneSetting | undefined,
  ) {
    const frozen = new Set(setting?.freeze ?? []);
    for (const layer of model.layers) {
      const node = nodeOfLayer.get(layer);
      if (node === undefined) continue;
      const names = layer.trainableWeights.map(varName);
      if (frozen.has(node)) {
        names.forEach((n) => this.frozenVars.add(n));
        if (layer.getClassName() === 'BatchNormalization') this.norms.push(layer);
      }
      const mult = setting?.lrMult[node];
      if (mult !== undefined) names.forEach((n) => this.mults.set(n, mult));
    }
  }

  /** Sets what is frozen for `epoch` (1-based, counting the epochs of a resumed run's earlier runs too). */
  atEpoch(epoch: number): void {
    const frozen = this.frozenVars.size > 0 && (this.setting?.unfreeze === undefined || epoch <= this.setting.unfreeze);
    if (frozen && this.model.trainableWeights.every((w) => this.frozenVars.has(varName(w))))
      throw new Error(`Every weight of the model is frozen in epoch ${epoch}: nothing would train. Freeze fewer layers (freeze: […]).`);
    if (frozen !== this.frozenNow) (frozen ? this.inferenceNorms : this.restore).call(this);
    this.frozenNow = frozen;
  }

  /** The weights to differentiate now: the trainable ones not frozen. */
  trainable(vars: readonly tf.Variable[]): tf.Variable[] {
    return this.frozenNow ? vars.filter((v) => !this.frozenVars.has(v.name)) : [...vars];
  }

  /** The learning-rate factor of a weight (1 unless `lr_mult:` names its layer). */
  mult(v: tf.Variable): number {
    return this.mults.get(v.name) ?? 1;
  }

  get hasFactors(): boolean {
    return [...this.mults.values()].some((m) => m !== 1);
  }

  /** Gives the frozen batch norms back their own `call` (at unfreeze, and when the run ends). */
  restore(): void {
    for (const layer of this.norms) delete (layer as unknown as { call?: Call }).call;
  }

  private inferenceNorms(): void {
    for (const layer of this.norms) {
      const own = Object.getPrototypeOf(layer).call as Call;
      (layer as unknown as { call: Call }).call = (inputs, kwargs) => own.call(layer, inputs, { ...kwargs, training: false });
    }
  }
}
