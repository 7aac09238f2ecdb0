// `stride/trainingModel`: the models of a document, the one chosen, and its lowered training model for the page or worker.

import { fileURLToPath } from 'node:url';
import { modelAt, modelChoiceError } from '../ide/model-at';
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
  const file = fileOf(snap.uri);
  if (choice.kind !== 'found') return { ...base, training: null, error: modelChoiceError(choice, file) };
  const lowered = params.strict ? trainingModelFor(analysis, query, file) : trainingModel(choice.model);
  return lowered.ok ? { ...base, training: lowered.value, error: null } : { ...base, training: null, error: lowered.error };
}

/** Errors name the file as the CLI does: its path on disk where it has one. */
function fileOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}
