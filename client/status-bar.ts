// Status-bar item: total parameters of the model under the cursor in the active .stride editor.

import * as vscode from 'vscode';
import { COMMANDS, SUMMARY_METHOD, type SummaryResult } from '../protocol/lsp-ext';
import { LANGUAGE_ID, type Ctx } from './ctx';

const DELAY_MS = 300;

export function registerStatusBar(ctx: Ctx): void {
  const item = vscode.window.createStatusBarItem('stride.params', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Stride model parameters';
  item.command = COMMANDS.showSummary;
  ctx.pushExtensionScoped(item);
  let timer: NodeJS.Timeout | undefined;
  let generation = 0;
  const update = async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== LANGUAGE_ID || !ctx.running) return item.hide();
    const mine = ++generation;
    const result = await ctx
      .request<SummaryResult | null>(SUMMARY_METHOD, { uri: editor.document.uri.toString(), position: editor.selection.active, rows: false })
      .catch(() => undefined);
    if (mine !== generation) return; // a newer update is on its way
    if (!result) return item.hide();
    item.text = `$(symbol-namespace) ${result.model}: ${compact(result.totals.params)} params`;
    item.tooltip = `${result.model}: ${result.totals.params.toLocaleString('en-US')} parameters (${result.totals.trainable.toLocaleString('en-US')} trainable). Click for the summary.`;
    item.show();
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void update(), DELAY_MS);
  };
  ctx.pushExtensionScoped(vscode.window.onDidChangeActiveTextEditor(schedule));
  ctx.pushExtensionScoped(vscode.window.onDidChangeTextEditorSelection(schedule));
  ctx.pushExtensionScoped(vscode.workspace.onDidChangeTextDocument(schedule));
  ctx.pushExtensionScoped({ dispose: () => timer && clearTimeout(timer) });
  schedule();
}

function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}
