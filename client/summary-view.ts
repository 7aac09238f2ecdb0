// The model summary as a webview table. Data reaches the page only through postMessage, never inside the HTML.

import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { SummaryResult } from '../protocol/lsp-ext';

export function showSummaryPanel(result: SummaryResult): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel('stride.summary', `Summary: ${result.model}`, vscode.ViewColumn.Beside, {
    enableScripts: true,
    localResourceRoots: [],
  });
  // The page asks for its data once its script runs; messages sent earlier could be lost.
  panel.webview.onDidReceiveMessage((msg: unknown) => {
    if (typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'ready')
      void panel.webview.postMessage({ type: 'summary', summary: result });
  });
  panel.webview.html = summaryHtml(crypto.randomBytes(16).toString('base64'));
  return panel;
}

function summaryHtml(nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); }
th, td { padding: 2px 10px; border-bottom: 1px solid var(--vscode-panel-border); text-align: left; }
td.num { text-align: right; }
</style></head>
<body><h2 id="title">Summary</h2><table id="rows"></table><p id="totals"></p>
<script nonce="${nonce}">
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const cell = (tr, text, num) => { const td = document.createElement('td'); td.textContent = text; if (num) td.className = 'num'; tr.appendChild(td); };
window.addEventListener('message', (event) => {
  const msg = event.data;
  if (!msg || msg.type !== 'summary' || !msg.summary || !Array.isArray(msg.summary.rows)) return;
  const s = msg.summary;
  document.getElementById('title').textContent = 'Model: ' + String(s.model);
  const table = document.getElementById('rows');
  table.replaceChildren();
  const head = document.createElement('tr');
  for (const h of ['Layer (type)', 'Output shape', 'Params', 'MACs', 'Connected to']) { const th = document.createElement('th'); th.textContent = h; head.appendChild(th); }
  table.appendChild(head);
  for (const r of s.rows) {
    const tr = document.createElement('tr');
    cell(tr, String(r.name) + ' (' + String(r.kind) + ')');
    cell(tr, String(r.outputShape));
    cell(tr, fmt(r.params), true);
    cell(tr, fmt(r.macs), true);
    cell(tr, (r.connectedTo || []).join(', '));
    table.appendChild(tr);
  }
  const t = s.totals;
  document.getElementById('totals').textContent = 'Total params: ' + fmt(t.params) + ' (trainable ' + fmt(t.trainable) + ', non-trainable ' + fmt(t.nonTrainable) + ') · MACs: ' + fmt(t.macs) + ' · training memory ≈ ' + (s.trainingMemory.bytes / 1048576).toFixed(1) + ' MiB (batch ' + s.trainingMemory.batch + ', ' + s.trainingMemory.optimizer + ')';
});
acquireVsCodeApi().postMessage({ type: 'ready' });
</script></body></html>`;
}
