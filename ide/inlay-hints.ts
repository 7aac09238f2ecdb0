// Inlay hints: the output shape at the end of each layer line (`→ 32×32×16`).

import type { Analysis } from '../core/analyze';
import { formatShapeShort } from '../core/model/values';
import type { Span } from '../core/syntax/span';
import { flatStatements } from '../core/syntax/walk';
import { distinct, lastPerInstance } from './tensor-facts';
import { factsOf, type LayerFact } from './facts';

/** Blocks used with different widths show up to this many shapes per line. */
const MAX_SHAPES = 3;

/** A type hint shown at `offset` (the end of a statement). */
export interface ShapeHint {
  readonly offset: number;
  readonly label: string;
}

export function inlayHints(analysis: Analysis, range: Span): ShapeHint[] {
  const facts = factsOf(analysis);
  const hints: ShapeHint[] = [];
  for (const item of analysis.parse.file.items) {
    if (item.kind === 'train' || item.kind === 'fn' || item.span.end < range.start || item.span.start > range.end) continue;
    for (const stmt of flatStatements(item.body)) {
      if (stmt.span.end < range.start || stmt.span.end > range.end) continue;
      const last = stmt.chain[stmt.chain.length - 1];
      if (!last || last.kind !== 'layer') continue;
      const made = facts.layersByCall.get(last.call.span.start) ?? [];
      const shapes = distinct(stmt.targets ? partShapes(made) : lastPerInstance(made).map((f) => formatShapeShort(f.info.shape)));
      if (shapes.length === 0 || shapes.every((s) => s === '?')) continue;
      const shown = shapes.slice(0, MAX_SHAPES).join(' | ') + (shapes.length > MAX_SHAPES ? ' | …' : '');
      hints.push({ offset: stmt.span.end, label: `→ ${shown}` });
    }
  }
  return hints;
}

/** `a, b = split(2)` names several tensors: each instance shows all of its parts, in order (`8×8×8, 8×8×8`). */
function partShapes(made: readonly LayerFact[]): string[] {
  const byInstance = new Map<string, string[]>();
  for (const f of made) {
    const key = `${f.model.graph.name}:${f.info.node.callSites.map((c) => c.instance).join('/')}`;
    byInstance.set(key, [...(byInstance.get(key) ?? []), formatShapeShort(f.info.shape)]);
  }
  return [...byInstance.values()].filter((parts) => parts.some((p) => p !== '?')).map((parts) => parts.join(', '));
}
