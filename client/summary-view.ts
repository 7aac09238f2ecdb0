// The model summary pages: a typed webview page (webview/summary/) that receives the server's summary by postMessage.

import * as vscode from 'vscode';
import type { SummaryResult } from '../protocol/lsp-ext';
import { checkFromSummary, type ToSummary } from '../protocol/summary';
import { summaryHtml } from '../webview/html';
import { bundleFolder, pageOptions } from './webview-page';

export const SUMMARY_VIEW_TYPE = 'stride.summary';

/** The open summary pages, owned by the context so they close with the extension. */
export class Summaries implements vscode.Disposable {
  private readonly panels = new Set<vscode.WebviewPanel>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Opens a page showing `result` beside the editor. */
  show(result: SummaryResult): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(SUMMARY_VIEW_TYPE, `Summary: ${result.model}`, vscode.ViewColumn.Beside, {
      enableScripts: true,
      // The bundle folder is the only place the page may load files from.
      localResourceRoots: [bundleFolder(this.extensionUri)],
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'icons', 'stride-file.svg');
    const post = (message: ToSummary) => void panel.webview.postMessage(message);
    // The page asks for its data once its script runs; messages sent earlier could be lost.
    const listener = panel.webview.onDidReceiveMessage((raw: unknown) => {
      const message = checkFromSummary(raw);
      if (!message.ok) return;
      switch (message.value.type) {
        case 'ready':
          return post({ type: 'summary', summary: result });
      }
    });
    this.panels.add(panel);
    panel.onDidDispose(() => {
      listener.dispose();
      this.panels.delete(panel);
    });
    panel.webview.html = summaryHtml(pageOptions(panel.webview, this.extensionUri, 'summary'));
    return panel;
  }

  dispose(): void {
    for (const panel of [...this.panels]) panel.dispose();
  }
}
