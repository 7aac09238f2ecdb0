// Extension-host cases for the training commands of the real extension: the panel opens, and the preview can jump to it.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
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

/** What stride.trainInBackground resolves with (protocol/train-worker.ts RunSummary, the fields checked here). */
interface RunSummary {
  readonly status: string;
  readonly epochsDone: number;
  readonly final: { readonly loss: number; readonly valLoss: number | null } | null;
  readonly weightsDir: string | null;
  readonly panelDir: string | null;
}

/** A background run trains to the end in the worker and saves where the panel and `stride predict` look; a second start is refused. */
async function trainInBackground(): Promise<void> {
  await serverReady();
  const uri = workspaceUri('shapes.stride');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  // Arguments after the model: epochs, batch and a sample limit, for a run of a second or two.
  const run = vscode.commands.executeCommand<RunSummary | undefined>('stride.trainInBackground', uri.toString(), 'Shapes', 2, undefined, 160);
  const second = await vscode.commands.executeCommand<RunSummary | undefined>('stride.trainInBackground', uri.toString(), 'Shapes', 2);
  assert.equal(second, undefined, 'a second run of the same model must be refused while the first runs');
  const result = await run;
  assert.ok(result, 'the run reports its outcome');
  assert.equal(result.status, 'completed');
  assert.equal(result.epochsDone, 2);
  assert.ok(result.final && Number.isFinite(result.final.loss) && result.final.valLoss !== null, JSON.stringify(result.final));
  assert.equal(result.panelDir, vscode.Uri.joinPath(uri, '..', 'shapes.weights', 'Shapes').fsPath);
  assert.equal(result.weightsDir, vscode.Uri.joinPath(uri, '..', 'shapes.runs', 'Shapes', 'weights').fsPath);
  for (const dir of [result.panelDir, result.weightsDir]) assert.ok(fs.existsSync(`${dir}/model.json`) && fs.existsSync(`${dir}/weights.bin`), `${dir}`);
}

/** A model with errors: the worker reports them, the command settles without a result, and nothing is written. */
async function trainInBackgroundRefusesErrors(): Promise<void> {
  await serverReady();
  const uri = workspaceUri('mistakes.stride');
  const result = await vscode.commands.executeCommand<RunSummary | undefined>('stride.trainInBackground', uri.toString(), 'Mistakes', 1);
  assert.equal(result, undefined);
  for (const dir of ['mistakes.weights', 'mistakes.runs']) assert.ok(!fs.existsSync(vscode.Uri.joinPath(uri, '..', dir).fsPath), `${dir} was created`);
}

export const trainingCases: readonly Case[] = [
  { name: 'stride.train opens the training panel that the preview can jump into', run: trainFromLens },
  { name: 'stride.trainInBackground trains to the end in a worker, saves the weights, and refuses a second run of the model', run: trainInBackground },
  { name: 'stride.trainInBackground reports a model with errors and writes nothing', run: trainInBackgroundRefusesErrors },
];
