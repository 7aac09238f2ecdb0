// Code lenses: ide's lenses above each model, bound to the client's commands with `[uri, modelName]` arguments.

import type { CodeLens } from 'vscode-languageserver';
import { codeLenses as modelLenses, type LensAction } from '../ide/code-lens';
import { COMMANDS } from '../protocol/lsp-ext';
import type { Snapshot } from './documents';

const COMMAND_OF: Record<LensAction, string> = { summary: COMMANDS.showSummary, train: COMMANDS.train, preview: COMMANDS.openPreview };

export function codeLenses(snap: Snapshot): CodeLens[] {
  return modelLenses(snap.analysis).map((l) => ({
    range: snap.lines.range(l.span),
    command: { title: l.title, command: COMMAND_OF[l.action], arguments: [snap.uri, l.model] },
  }));
}
