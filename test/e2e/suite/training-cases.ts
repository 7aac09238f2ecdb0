// Extension-host cases for the training commands of the real extension: the panel opens, and the preview can jump to it.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Case } from './runner';
import { serverReady, waitForWebviewTab, webviewTabs, workspaceUri } from './host';

const trainingTabs = (): vscode.Tab[] => webviewTabs('stride.training');

/** The code lens's ▶ Train opens the training panel for its model; the preview's jump to activations reaches it. */
async function trainFromLens(): Promise<void> {
  await serverReady();
  const uri = workspaceUri('small.stride');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  assert.equal(await vscode.commands.executeCommand('stride.showActivations', 'conv2d_1', uri.toString(), 'Small'), false, 'no panel yet');
  const tab = waitForWebviewTab('stride.training', 'Train Small');
  await vscode.commands.executeCommand('stride.train', uri.toString(), 'Small');
  await tab;
  assert.equal(await vscode.commands.executeCommand('stride.showActivations', 'conv2d_1', uri.toString(), 'Small'), true, 'the open panel accepts the jump');
  await vscode.window.tabGroups.close(trainingTabs());
  assert.equal(trainingTabs().length, 0);
}

export const trainingCases: readonly Case[] = [{ name: 'stride.train opens the training panel that the preview can jump into', run: trainFromLens }];
