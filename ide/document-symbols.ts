// Outline: models, blocks and training sections, with named tensors (and training settings) as children.

import type { Analysis } from '../core/analyze';
import { formatFnParams } from '../core/model/functions';
import { formatCompact, formatShapeShort } from '../core/model/values';
import * as ast from '../core/syntax/ast';
import type { Span } from '../core/syntax/span';
import { flatStatements } from '../core/syntax/walk';
import { distinct, tensorFacts } from './tensor-facts';
import { blockSignature } from './signatures';
import { factsOf } from './facts';

export type SymbolKindName = 'class' | 'function' | 'event' | 'property' | 'variable';

/** One outline entry: `span` is the whole declaration, `selection` its name. */
export interface SymbolFacts {
  readonly name: string;
  readonly kind: SymbolKindName;
  readonly detail: string;
  readonly span: Span;
  readonly selection: Span;
  readonly children: readonly SymbolFacts[];
}

export function documentSymbols(analysis: Analysis): SymbolFacts[] {
  return analysis.parse.file.items.flatMap((item) => {
    const sym = itemSymbol(analysis, item);
    return sym ? [sym] : [];
  });
}

function itemSymbol(analysis: Analysis, item: ast.Item): SymbolFacts | undefined {
  const nameId = item.kind === 'train' ? item.model : item.name;
  if (nameId.missing) return undefined;
  const base = (name: string, kind: SymbolKindName, detail: string, children: SymbolFacts[]) => symbol(name, kind, detail, item.span, nameId.span, children);
  if (item.kind === 'train') {
    const entries = item.entries.map((e) => symbol(e.key.name, 'property', analysis.text.slice(e.value.span.start, e.value.span.end), e.span, e.key.span, []));
    return base(`train ${item.model.name}`, 'event', 'training', entries);
  }
  if (item.kind === 'fn') return base(item.name.name, 'function', `fn(${formatFnParams(item)})`, []);
  const tensors = tensorSymbols(analysis, item);
  if (item.kind === 'block') return base(item.name.name, 'function', blockSignature(item, analysis.text), tensors);
  const model = analysis.models.find((m) => m.graph.span.start === item.span.start);
  const detail = model ? `${formatCompact(model.totals.params)} params` : '';
  return base(item.name.name, 'class', detail, tensors);
}

function tensorSymbols(analysis: Analysis, item: ast.ModelDecl | ast.BlockDecl): SymbolFacts[] {
  const facts = factsOf(analysis);
  const seen = new Set<string>();
  const out: SymbolFacts[] = [];
  for (const stmt of flatStatements(item.body)) {
    for (const target of ast.targetsOf(stmt)) {
      if (target.missing || seen.has(target.name)) continue;
      seen.add(target.name);
      const shapes = distinct(tensorFacts(analysis, facts, item, target.name).shapes.map((s) => formatShapeShort(s)));
      out.push(symbol(target.name, 'variable', shapes.join(' | '), stmt.span, target.span, []));
    }
  }
  return out;
}

function symbol(name: string, kind: SymbolKindName, detail: string, range: Span, selection: Span, children: SymbolFacts[]): SymbolFacts {
  return { name, kind, detail, span: range, selection, children };
}
