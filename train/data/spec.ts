// What a `data:` setting asks for, as plain data: the type travels with the training model; ide/train-settings.ts reads it.

import type { Value } from '../../core/model/values';
import { dataSpecOf as readDataSpec } from '../../ide/train-settings';
import type { DataSpec } from '../../protocol/training-model';

export type { DataSpec };

/** The data set a `data:` value names; throws with the reason when it names none (for callers that report errors). */
export function dataSpecOf(value: Value | undefined): DataSpec {
  const spec = readDataSpec(value);
  if ('error' in spec) throw new Error(spec.error);
  return spec;
}
