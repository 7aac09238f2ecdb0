// Utilities for tests that run inside the extension host: fixture files, event-driven waits, provider calls.

import * as path from 'node:path';
import * as vscode from 'vscode';

/** The repository root; this file runs from out/test/e2e/suite. */
export const ROOT = path.resolve(__dirname, '../../../..');

export const EXTENSION_ID = 'stride.stride';

/** A file of the (temporary copy of the) fixture workspace. */
export function workspaceUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the workbench opened no folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** LSP codes arrive as strings, or as `{ value, target }` when the server links documentation. */
export function codeOf(d: vscode.Diagnostic): string {
  const code = d.code;
  if (code === undefined) return '';
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function describeDiagnostics(list: readonly vscode.Diagnostic[]): string {
  return JSON.stringify(list.map((d) => `${d.range.start.line}:${d.range.start.character} ${codeOf(d)}`));
}

/** Resolves once the diagnostics of `uri` satisfy `accept`, checking now and on every change event. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (list: readonly vscode.Diagnostic[]) => boolean,
  what: string,
  ms = 20_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      subscription.dispose();
      clearTimeout(timer);
    };
    const check = (): void => {
      const list = vscode.languages.getDiagnostics(uri);
      if (!accept(list)) return;
      done();
      resolve(list);
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      done();
      const have = describeDiagnostics(vscode.languages.getDiagnostics(uri));
      reject(new Error(`timed out after ${ms} ms waiting for ${what}; diagnostics now: ${have}`));
    }, ms);
    check();
  });
}

let ready: Promise<void> | undefined;

/**
 * Opens a file with mistakes and waits for its diagnostics: proof that the extension activated and
 * its language server answers, so provider calls made afterwards reach the server.
 */
export function serverReady(): Promise<void> {
  ready ??= (async () => {
    const uri = workspaceUri('mistakes.stride');
    await open(uri);
    await waitForDiagnostics(uri, (list) => list.length > 0, 'the first diagnostics (server start)', 60_000);
  })();
  return ready;
}

/** Text of a hover's contents, whatever form each part takes. */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  const parts: string[] = [];
  for (const hover of hovers) {
    for (const c of hover.contents) parts.push(typeof c === 'string' ? c : c.value);
  }
  return parts.join('\n');
}

export function inlayLabel(hint: vscode.InlayHint): string {
  return typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('');
}

/** Open webview tabs of one view type (`stride.preview`, `stride.training`). */
export function webviewTabs(viewType: string): vscode.Tab[] {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
  return tabs.filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));
}

/** Resolves once a webview tab of `viewType` is labelled `label`, checking now and whenever tabs change. */
export function waitForWebviewTab(viewType: string, label: string, ms = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!webviewTabs(viewType).some((t) => t.label === label)) return;
      subscription.dispose();
      clearTimeout(timer);
      resolve();
    };
    const subscription = vscode.window.tabGroups.onDidChangeTabs(check);
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no ${viewType} tab "${label}" after ${ms} ms; tabs: ${JSON.stringify(webviewTabs(viewType).map((t) => t.label))}`));
    }, ms);
    check();
  });
}
