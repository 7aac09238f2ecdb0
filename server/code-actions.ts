// Quick fixes: every core Fix attached to a diagnostic in the requested range becomes a code action.

import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Fix } from '../core/diagnostics';
import type { Snapshot } from './documents';
import { toLspDiagnostic } from './diagnostics';

export function codeActions(snap: Snapshot, params: CodeActionParams): CodeAction[] {
  const only = params.context?.only;
  if (only && !only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
  const range = snap.lines.span(params.range);
  const actions: CodeAction[] = [];
  for (const d of snap.analysis.diagnostics) {
    if (!d.fixes || d.fixes.length === 0) continue;
    if (d.span.end < range.start || d.span.start > range.end) continue;
    const lsp = toLspDiagnostic(d, snap);
    for (const fix of d.fixes) actions.push(toAction(fix, lsp, snap));
  }
  return actions;
}

function toAction(fix: Fix, lsp: LspDiagnostic, snap: Snapshot): CodeAction {
  // Edits of one fix never overlap, but LSP applies them against the original text, so order does not matter.
  const edits = fix.edits.map((e) => ({ range: snap.lines.range(e.span), newText: e.newText }));
  const action: CodeAction = {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [lsp],
    edit: { documentChanges: [{ textDocument: { uri: snap.uri, version: snap.version }, edits }] },
  };
  if (fix.preferred) action.isPreferred = true;
  return action;
}
