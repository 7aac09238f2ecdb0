// Outline: ide's document symbols as LSP DocumentSymbols with ranges.

import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { documentSymbols as symbols, type SymbolFacts, type SymbolKindName } from '../ide/document-symbols';
import type { Snapshot } from './documents';

const KIND: Record<SymbolKindName, SymbolKind> = {
  class: SymbolKind.Class,
  function: SymbolKind.Function,
  event: SymbolKind.Event,
  property: SymbolKind.Property,
  variable: SymbolKind.Variable,
};

export function documentSymbols(snap: Snapshot): DocumentSymbol[] {
  const convert = (s: SymbolFacts): DocumentSymbol => ({
    name: s.name,
    kind: KIND[s.kind],
    detail: s.detail,
    range: snap.lines.range(s.span),
    selectionRange: snap.lines.range(s.selection),
    children: s.children.map(convert),
  });
  return symbols(snap.analysis).map(convert);
}
