// Code lenses above each model: `params · MACs` (opens the summary), `▶ Train`, `⧉ Preview`.

import type { CodeLens } from 'vscode-languageserver';
import { formatCompact } from '../core/model/values';
import { COMMANDS } from '../protocol/lsp-ext';
import type { Snapshot } from './documents';

export function codeLenses(snap: Snapshot): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const model of snap.analysis.models) {
    const range = snap.lines.range(model.graph.nameSpan);
    const args = [snap.uri, model.graph.name];
    const t = model.totals;
    lenses.push(
      { range, command: { title: `${formatCompact(t.params)} params · ${formatCompact(t.macs)} MACs`, command: COMMANDS.showSummary, arguments: args } },
      { range, command: { title: '▶ Train', command: COMMANDS.train, arguments: args } },
      { range, command: { title: '⧉ Preview', command: COMMANDS.openPreview, arguments: args } },
    );
  }
  return lenses;
}
