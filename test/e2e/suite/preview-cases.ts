// Extension-host cases for the architecture preview command: which model it shows, and one panel per document.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Case } from './runner';
import { serverReady, waitForWebviewTab, webviewTabs, workspaceUri } from './host';

const TWO_MODELS = 'model Wide {\n  input(8)\n  dense(16)\n}\n\nmodel Narrow {\n  input(8)\n  dense(2)\n}\n';

const previewTabs = (): vscode.Tab[] => webviewTabs('stride.preview');
const waitForPreviewTab = (label: string): Promise<void> => waitForWebviewTab('stride.preview', label);

async function closePreviews(): Promise<void> {
  await vscode.window.tabGroups.close(previewTabs());
}

/** The command used to answer with a placeholder message; now a preview tab opens for the model a code lens names. */
async function openPreviewFromLens(): Promise<void> {
  await serverReady();
  const uri = workspaceUri('small.stride');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const tab = waitForPreviewTab('Preview: Small');
  await vscode.commands.executeCommand('stride.openPreview', uri.toString(), 'Small');
  await tab;
  await closePreviews();
}

/** Without arguments the model under the cursor is shown; a lens naming another model switches the same panel. */
async function openPreviewAtCursor(): Promise<void> {
  await serverReady();
  const doc = await vscode.workspace.openTextDocument({ language: 'stride', content: TWO_MODELS });
  const editor = await vscode.window.showTextDocument(doc);
  const inNarrow = new vscode.Position(7, 4);
  editor.selection = new vscode.Selection(inNarrow, inNarrow);
  const narrow = waitForPreviewTab('Preview: Narrow');
  await vscode.commands.executeCommand('stride.openPreview');
  await narrow;
  const wide = waitForPreviewTab('Preview: Wide');
  await vscode.commands.executeCommand('stride.openPreview', doc.uri.toString(), 'Wide');
  await wide;
  assert.equal(previewTabs().length, 1, 'one preview per document');
  await closePreviews();
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

export const previewCases: readonly Case[] = [
  { name: 'stride.openPreview opens a preview of the model a code lens names', run: openPreviewFromLens },
  { name: 'stride.openPreview shows the model under the cursor, and switches model in the same panel', run: openPreviewAtCursor },
];
