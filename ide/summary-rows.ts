// The summary view's data: a Keras-style row per layer, totals and the training-memory estimate of one model.

import type { Analysis } from '../core/analyze';
import type { ModelTotals } from '../core/model/infer';
import { estimateTrainingMemory } from '../core/model/memory';
import { formatShape } from '../core/model/values';
import { findModel, type ModelQuery } from './model-at';

export interface SummaryRowFacts {
  readonly name: string;
  readonly kind: string;
  /** `(None, 32, 32, 16)` */
  readonly outputShape: string;
  readonly params: number;
  readonly trainable: number;
  readonly macs: number;
  /** Names of the producer layers. */
  readonly connectedTo: readonly string[];
}

export interface ModelSummaryFacts {
  readonly model: string;
  readonly models: readonly string[];
  readonly rows: readonly SummaryRowFacts[];
  readonly totals: ModelTotals;
  readonly trainingMemory: { readonly batch: number; readonly optimizer: string; readonly bytes: number };
  /** Error diagnostics in the whole file. */
  readonly errors: number;
}

export interface SummaryOptions {
  /** Leave out the per-layer rows (a status bar needs only the totals). */
  readonly rows?: boolean;
  /** Batch size of the training-memory estimate. */
  readonly memoryBatchSize: number;
}

/** The summary of the model `query` chooses (ide's `modelAt`); undefined when the file has none. */
export function modelSummary(analysis: Analysis, query: ModelQuery, options: SummaryOptions): ModelSummaryFacts | undefined {
  const model = findModel(analysis, query);
  if (!model) return undefined;
  const nodes = model.graph.nodes;
  const rows =
    options.rows === false
      ? []
      : model.layers.map((l) => ({
          name: l.node.name,
          kind: l.node.kind,
          outputShape: formatShape(l.shape),
          params: l.params.trainable + l.params.nonTrainable,
          trainable: l.params.trainable,
          macs: l.macs,
          connectedTo: l.node.inputs.map((id) => nodes[id]?.name ?? `#${id}`),
        }));
  const memory = estimateTrainingMemory(model.layers, model.totals, options.memoryBatchSize, model.train?.optimizer);
  return {
    model: model.graph.name,
    models: analysis.models.map((m) => m.graph.name),
    rows,
    totals: model.totals,
    trainingMemory: { batch: memory.batch, optimizer: memory.optimizer, bytes: memory.total },
    errors: analysis.diagnostics.filter((d) => d.severity === 'error').length,
  };
}
