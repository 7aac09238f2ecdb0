// `stride/summary`: a Keras-style table of one model (layer, output shape, params, MACs, inputs) with totals and memory.

import { estimateTrainingMemory } from '../core/model/memory';
import { formatShape } from '../core/model/values';
import type { SummaryParams, SummaryResult } from '../protocol/lsp-ext';
import type { Snapshot } from './documents';
import { offsetOf, pickModel } from './model-graph';

export function summary(snap: Snapshot, params: SummaryParams, memoryBatchSize: number): SummaryResult | null {
  const model = pickModel(snap, params.model, offsetOf(snap, params.position));
  if (!model) return null;
  const nodes = model.graph.nodes;
  const rows =
    params.rows === false
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
  const memory = estimateTrainingMemory(model.layers, model.totals, memoryBatchSize, model.train?.optimizer);
  return {
    uri: snap.uri,
    version: snap.version,
    model: model.graph.name,
    models: snap.analysis.models.map((m) => m.graph.name),
    rows,
    totals: model.totals,
    trainingMemory: { batch: memory.batch, optimizer: memory.optimizer, bytes: memory.total },
    errors: snap.analysis.diagnostics.filter((d) => d.severity === 'error').length,
  };
}
