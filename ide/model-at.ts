// "Which model?": the one rule every view uses to choose a model of a document (server, CLI, preview, training).

import type { Analysis, ModelAnalysis } from '../core/analyze';
import { closest } from '../core/model/suggest';

/** Where the request came from: an explicit name, and/or a position in the document. */
export interface ModelQuery {
  /** A model named explicitly (a command argument, `--model`): only that one, or none. */
  readonly name?: string;
  /** A UTF-16 offset: the model whose declaration contains it, else the model its enclosing `train` section trains. */
  readonly offset?: number;
}

export type ModelChoice =
  | { readonly kind: 'found'; readonly model: ModelAnalysis }
  /** A name was given and no model has it; `names` lists those that exist, in source order. */
  | { readonly kind: 'no-such-model'; readonly name: string; readonly names: readonly string[] }
  | { readonly kind: 'no-models' };

/**
 * The model named, else the one at the offset (its declaration, or the `train` section for it), else the only one
 * with a `train` section when exactly one has one, else the first. Names are exact; there is no fuzzy matching.
 */
export function modelAt(analysis: Analysis, query: ModelQuery = {}): ModelChoice {
  const models = analysis.models;
  const names = models.map((m) => m.graph.name);
  if (models.length === 0) return { kind: 'no-models' };
  if (typeof query.name === 'string' && query.name !== '') {
    const named = models.find((m) => m.graph.name === query.name);
    return named ? { kind: 'found', model: named } : { kind: 'no-such-model', name: query.name, names };
  }
  const at = query.offset === undefined ? undefined : modelAtOffset(analysis, query.offset);
  if (at) return { kind: 'found', model: at };
  const trained = models.filter((m) => m.train);
  return { kind: 'found', model: trained.length === 1 ? trained[0] : models[0] };
}

/** The model found by `modelAt`, or undefined: for views that show nothing rather than an error. */
export function findModel(analysis: Analysis, query: ModelQuery = {}): ModelAnalysis | undefined {
  const choice = modelAt(analysis, query);
  return choice.kind === 'found' ? choice.model : undefined;
}

/** The one sentence every shell shows when a choice fails (the CLI prefixes the file, the editor the file name). */
export function modelChoiceError(choice: Exclude<ModelChoice, { kind: 'found' }>, file: string): string {
  if (choice.kind === 'no-models') return `${file} defines no model`;
  // A one- or two-letter name is as close to every other short name: no guess then.
  const guess = choice.name.length > 2 ? closest(choice.name, choice.names) : undefined;
  return `No model named '${choice.name}'; models in ${file}: ${choice.names.join(', ')}${guess ? ` (did you mean ${guess}?)` : ''}`;
}

function modelAtOffset(analysis: Analysis, offset: number): ModelAnalysis | undefined {
  const inside = (s: { start: number; end: number }) => s.start <= offset && offset <= s.end;
  const declared = analysis.models.find((m) => inside(m.graph.span));
  if (declared) return declared;
  const train = analysis.trains.find((t) => inside(t.span));
  return train && analysis.models.find((m) => m.graph.name === train.model);
}
