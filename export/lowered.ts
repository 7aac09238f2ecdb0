// What the Keras, tfjs and JSON exports share: the lowered model (with --logits applied) and how a layer is named in messages.

import type { ModelAnalysis } from '../core/analyze';
import { LineIndex } from '../ide/line-index';
import { trainingModel } from '../ide/training-model';
import type { TrainingModel, TrainingNode } from '../protocol/training-model';
import type { ExportJob } from './formats';
import { ExportRefused } from './refusal';

/** Kinds whose only job at the end of a model is to turn logits into probabilities. */
const FINAL_ACTIVATIONS = new Set(['softmax', 'sigmoid']);

export interface LoweredExport {
  readonly model: TrainingModel;
  readonly notes: string[];
}

/**
 * The model a format writes. With `logits`, an output made by a softmax/sigmoid layer is replaced by that layer's
 * input, and an output layer with `activation: softmax|sigmoid` gets a linear activation; a note says which.
 */
export function loweredFor(job: ExportJob): LoweredExport {
  const result = trainingModel(job.model);
  if (!result.ok) throw new ExportRefused(`model '${job.model.graph.name}' cannot be lowered: ${result.error}`);
  return job.logits ? dropFinalActivation(result.value) : { model: result.value, notes: [] };
}

function dropFinalActivation(model: TrainingModel): LoweredExport {
  const notes: string[] = [];
  const nodes = [...model.nodes];
  const outputs = model.outputs.map((id) => {
    const node = nodes[id];
    if (FINAL_ACTIVATIONS.has(node.kind) && node.inputs.length === 1) {
      notes.push(`--logits: the final ${node.kind} '${node.name}' is left out; the model returns logits`);
      return node.inputs[0];
    }
    if (typeof node.args.activation === 'string' && FINAL_ACTIVATIONS.has(node.args.activation)) {
      notes.push(`--logits: '${node.name}' keeps a linear activation instead of ${node.args.activation}; the model returns logits`);
      nodes[id] = { ...node, args: { ...node.args, activation: 'linear' } } satisfies TrainingNode;
    }
    return id;
  });
  return { model: { ...model, nodes, outputs }, notes };
}

/** `'name' (kind, line N)`: how every refusal and note names a layer of the user's file. */
export function describeNode(model: ModelAnalysis, text: string, id: number): string {
  const node = model.graph.nodes[id];
  const line = new LineIndex(text).position(node.span.start).line + 1;
  return `'${node.name}' (${node.kind}, line ${line})`;
}
