// Go to definition, find references and document highlights for tensors, block parameters, blocks and models.

import { DocumentHighlightKind, type DocumentHighlight, type Location } from 'vscode-languageserver';
import type { Snapshot } from './documents';
import { factsOf, occurrenceAt, occurrencesOf, type Occurrence } from '../ide/facts';

export function symbolAt(snap: Snapshot, offset: number): Occurrence | undefined {
  const occ = occurrenceAt(factsOf(snap.analysis), offset);
  return occ?.key ? occ : undefined;
}

export function definition(snap: Snapshot, offset: number): Location[] {
  const occ = symbolAt(snap, offset);
  if (!occ) return [];
  return occurrencesOf(factsOf(snap.analysis), occ.key!)
    .filter((o) => o.def)
    .map((o) => ({ uri: snap.uri, range: snap.lines.range(o.span) }));
}

export function references(snap: Snapshot, offset: number, includeDeclaration: boolean): Location[] {
  const occ = symbolAt(snap, offset);
  if (!occ) return [];
  return occurrencesOf(factsOf(snap.analysis), occ.key!)
    .filter((o) => includeDeclaration || !o.def)
    .map((o) => ({ uri: snap.uri, range: snap.lines.range(o.span) }));
}

export function documentHighlights(snap: Snapshot, offset: number): DocumentHighlight[] {
  const occ = symbolAt(snap, offset);
  if (!occ) return [];
  return occurrencesOf(factsOf(snap.analysis), occ.key!).map((o) => ({
    range: snap.lines.range(o.span),
    kind: o.def ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}
