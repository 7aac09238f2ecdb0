// The training model of an analysed model, as a host would send it: for tests that build or train models directly.

import type { ModelAnalysis } from '../../core/analyze';
import { trainingModel } from '../../ide/training-model';
import type { TrainingModel } from '../../protocol/training-model';

export function lowered(model: ModelAnalysis): TrainingModel {
  const result = trainingModel(model);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}
