// Checks a data set against a model before training: input shape, and output units against the number of classes.

import type { TrainingModel } from '../../protocol/training-model';
import { formatShape, type Shape } from '../../core/model/values';
import type { Dataset } from './dataset';

/** Data that cannot train this model; the message gives both sides and the fix. */
export class DataMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataMismatchError';
  }
}

type DataFacts = Pick<Dataset, 'name' | 'shape' | 'classes'>;

export function checkDataFits(model: TrainingModel, data: DataFacts, loss = 'crossentropy'): void {
  const graph = model;
  if (graph.inputs.length !== 1) {
    throw new DataMismatchError(`Model '${graph.name}' has ${graph.inputs.length} inputs; training on an image data set needs exactly one.`);
  }
  const input = model.nodes[graph.inputs[0]].shape;
  if (!input || !fits(input, data.shape)) {
    const want = data.shape.join(', ');
    throw new DataMismatchError(
      `Model '${graph.name}' takes inputs ${formatShape(input)} but data set '${data.name}' has images ${formatShape(data.shape)}; ` +
        `change the model to input(${want}) or use data that matches.`,
    );
  }
  for (const id of graph.outputs) checkOutput(model, id, data, loss);
}

function fits(input: Shape, data: readonly number[]): boolean {
  return input.length === data.length && input.every((d, i) => d === null || d === data[i]);
}

/** Every output is trained against the labels, so each must give one score per class (or one for two classes with binary loss). */
function checkOutput(model: TrainingModel, id: number, data: DataFacts, loss: string): void {
  const node = model.nodes[id];
  const shape = node.shape;
  const what = `Output '${node.name}' of model '${model.name}'`;
  const classes = data.classes.length;
  if (!shape || shape.length !== 1) {
    throw new DataMismatchError(
      `${what} has shape ${formatShape(shape)}; a classifier output needs one score per class, e.g. (None, ${classes}). Add flatten() or globalavgpool2d() and dense(${classes}).`,
    );
  }
  const units = shape[0];
  if (loss === 'binary_crossentropy') {
    if (classes === 2 && units === 1) return;
    if (units === classes) return;
    throw new DataMismatchError(
      `${what} has ${units} units; binary cross-entropy on data set '${data.name}' (${classes} classes) needs ${classes === 2 ? '1 unit (sigmoid)' : `${classes} units`}.`,
    );
  }
  if (units !== classes) {
    const names = data.classes.length <= 12 ? ` (${data.classes.join(', ')})` : '';
    throw new DataMismatchError(
      `${what} has ${units} units but data set '${data.name}' has ${classes} classes${names}; use dense(${classes}, …) as the last layer.`,
    );
  }
}
