// Code lens content above each model: `params · MACs` (the summary), `▶ Train`, `⧉ Preview`.

import type { Analysis } from '../core/analyze';
import { formatCompact } from '../core/model/values';
import type { Span } from '../core/syntax/span';

/** What a lens does when clicked; the shell maps it to its own command. */
export type LensAction = 'summary' | 'train' | 'preview';

export interface ModelLens {
  /** The model's name in its declaration. */
  readonly span: Span;
  readonly title: string;
  readonly action: LensAction;
  readonly model: string;
}

export function codeLenses(analysis: Analysis): ModelLens[] {
  const lenses: ModelLens[] = [];
  for (const model of analysis.models) {
    const span = model.graph.nameSpan;
    const name = model.graph.name;
    const t = model.totals;
    lenses.push(
      { span, title: `${formatCompact(t.params)} params · ${formatCompact(t.macs)} MACs`, action: 'summary', model: name },
      { span, title: '▶ Train', action: 'train', model: name },
      { span, title: '⧉ Preview', action: 'preview', model: name },
    );
  }
  return lenses;
}
