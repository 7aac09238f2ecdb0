// Go to definition, find references and document highlights: ide's spans as LSP locations.

import { DocumentHighlightKind, type DocumentHighlight, type Location } from 'vscode-languageserver';
import * as nav from '../ide/navigation';
import type { Snapshot } from './documents';

export function definition(snap: Snapshot, offset: number): Location[] {
  return nav.definitions(snap.analysis, offset).map((span) => ({ uri: snap.uri, range: snap.lines.range(span) }));
}

export function references(snap: Snapshot, offset: number, includeDeclaration: boolean): Location[] {
  return nav.references(snap.analysis, offset, includeDeclaration).map((span) => ({ uri: snap.uri, range: snap.lines.range(span) }));
}

export function documentHighlights(snap: Snapshot, offset: number): DocumentHighlight[] {
  return nav.highlights(snap.analysis, offset).map((h) => ({
    range: snap.lines.range(h.span),
    kind: h.write ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}
