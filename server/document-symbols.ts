// Outline: models, blocks and training sections, with named tensors (and training settings) as children.

import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { formatCompact, formatShapeShort } from '../core/model/values';
import type * as ast from '../core/syntax/ast';
import type { Span } from '../core/syntax/span';
import type { Snapshot } from './documents';
import { distinct, tensorFacts } from '../ide/tensor-facts';
import { blockSignature } from '../ide/signatures';
import { factsOf } from '../ide/facts';

export function documentSymbols(snap: Snapshot): DocumentSymbol[] {
  return snap.analysis.parse.file.items.flatMap((item) => {
    const sym = itemSymbol(snap, item);
    return sym ? [sym] : [];
  });
}

function itemSymbol(snap: Snapshot, item: ast.Item): DocumentSymbol | undefined {
  const nameId = item.kind === 'train' ? item.model : item.name;
  if (nameId.missing) return undefined;
  const base = (name: string, kind: SymbolKind, detail: string, children: DocumentSymbol[]) =>
    symbol(snap, name, kind, detail, item.span, nameId.span, children);
  if (item.kind === 'train') {
    const entries = item.entries.map((e) =>
      symbol(snap, e.key.name, SymbolKind.Property, snap.analysis.text.slice(e.value.span.start, e.value.span.end), e.span, e.key.span, []),
    );
    return base(`train ${item.model.name}`, SymbolKind.Event, 'training', entries);
  }
  const tensors = tensorSymbols(snap, item);
  if (item.kind === 'block') return base(item.name.name, SymbolKind.Function, blockSignature(item, snap.analysis.text), tensors);
  const model = snap.analysis.models.find((m) => m.graph.span.start === item.span.start);
  const detail = model ? `${formatCompact(model.totals.params)} params` : '';
  return base(item.name.name, SymbolKind.Class, detail, tensors);
}

function tensorSymbols(snap: Snapshot, item: ast.ModelDecl | ast.BlockDecl): DocumentSymbol[] {
  const facts = factsOf(snap.analysis);
  const seen = new Set<string>();
  const out: DocumentSymbol[] = [];
  for (const stmt of item.body) {
    const target = stmt.target;
    if (!target || target.missing || seen.has(target.name)) continue;
    seen.add(target.name);
    const shapes = distinct(tensorFacts(snap.analysis, facts, item, target.name).shapes.map((s) => formatShapeShort(s)));
    out.push(symbol(snap, target.name, SymbolKind.Variable, shapes.join(' | '), stmt.span, target.span, []));
  }
  return out;
}

function symbol(snap: Snapshot, name: string, kind: SymbolKind, detail: string, range: Span, selection: Span, children: DocumentSymbol[]): DocumentSymbol {
  return { name, kind, detail, range: snap.lines.range(range), selectionRange: snap.lines.range(selection), children };
}
