// The serialisable training model of an analysed model: the graph the trainer builds from, with its settings.

import type { Analysis, ModelAnalysis } from '../core/analyze';
import type { Checked } from '../protocol/validate';
import type { TrainingModel, TrainingNode } from '../protocol/training-model';
import { LineIndex } from './line-index';
import { modelAt, modelChoiceError, type ModelQuery } from './model-at';
import { modelErrors } from './model-diagnostics';
import { trainSettings } from './train-settings';

/**
 * Lowers an analysed model into plain data for a training run in another process or page. Layers with errors, or
 * whose shape is unknown, carry a null shape (the model builder refuses them with the layer's name); only a `data:`
 * setting that names no data set fails here.
 */
export function trainingModel(model: ModelAnalysis): Checked<TrainingModel> {
  const settings = trainSettings(model);
  if ('error' in settings) return { ok: false, error: settings.error };
  const graph = model.graph;
  const nodes = graph.nodes.map((node): TrainingNode => {
    const shape = model.layers[node.id]?.shape ?? null;
    return { id: node.id, name: node.name, kind: node.kind, args: { ...node.args }, inputs: [...node.inputs], shape: node.valid && shape ? [...shape] : null };
  });
  return {
    ok: true,
    value: { name: graph.name, nodes, inputs: [...graph.inputs], outputs: [...graph.outputs], trained: model.train !== undefined, settings },
  };
}

/** How many errors a refusal lists; the rest are counted. */
const SHOWN_ERRORS = 5;

/**
 * What every host does before a run (the CLI, and the language server for the editor): choose the model by the `modelAt`
 * rule, refuse it when it or what it uses has errors (listing the first ones as file:line:column; errors elsewhere in
 * the file do not count, see model-diagnostics.ts), and lower it.
 */
export function trainingModelFor(analysis: Analysis, query: ModelQuery, file: string): Checked<TrainingModel> {
  const choice = modelAt(analysis, query);
  if (choice.kind !== 'found') return { ok: false, error: modelChoiceError(choice, file) };
  const name = choice.model.graph.name;
  const errors = modelErrors(analysis, name);
  if (errors.length > 0) {
    const lines = new LineIndex(analysis.text);
    const where = (offset: number) => {
      const p = lines.position(offset);
      return `${file}:${p.line + 1}:${p.character + 1}`;
    };
    const shown = errors.slice(0, SHOWN_ERRORS).map((e) => `  ${where(e.span.start)}: ${e.message}`);
    const count = `${errors.length} error${errors.length === 1 ? '' : 's'}`;
    return { ok: false, error: `Model '${name}' has ${count}; fix ${errors.length === 1 ? 'it' : 'them'} before training:\n${shown.join('\n')}` };
  }
  return trainingModel(choice.model);
}
