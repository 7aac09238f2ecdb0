// `stride/trainingModel`: the models of a document, the one chosen, and its lowered training model for the page or worker.

import { fileURLToPath } from 'node:url';
import { modelAt } from '../ide/model-at';
import { trainingModel, trainingModelFor } from '../ide/training-model';
import type { TrainingModelParams, TrainingModelResult } from '../protocol/lsp-ext';
import type { Snapshot } from './documents';
import { offsetOf } from './model-graph';

export function trainingModelRequest(snap: Snapshot, params: TrainingModelParams): TrainingModelResult {
  const analysis = snap.analysis;
  const models = analysis.models.map((m) => ({ name: m.graph.name, trained: m.train !== undefined }));
  const query = { name: params.model, offset: offsetOf(snap, params.position) };
  const choice = modelAt(analysis, query);
  const model = choice.kind === 'found' ? choice.model.graph.name : null;
  const base = { uri: snap.uri, version: snap.version, models, model };
  const lowered = params.strict ? trainingModelFor(analysis, query, fileOf(snap.uri)) : choice.kind === 'found' ? trainingModel(choice.model) : undefined;
  if (lowered?.ok) return { ...base, training: lowered.value, error: null };
  return { ...base, training: null, error: lowered ? lowered.error : 'no model' };
}

/** Errors name the file as the CLI does: its path on disk where it has one. */
function fileOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}
