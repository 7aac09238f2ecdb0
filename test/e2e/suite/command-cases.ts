// Extension-host cases for the contributed commands: summary panel, workspace check, server restart.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { heapFlagsIn } from '../../../protocol/server-heap';
import { childPids } from '../../helpers/processes';
import type { Case } from './runner';
import { codeOf, describeDiagnostics, open, serverReady, waitForDiagnostics, workspaceUri } from './host';

const COMMAND_DEADLINE_MS = 10_000;

/** Runs a command and fails if it does not settle in time (a command must never wait on the user). */
async function execute(command: string, ...args: unknown[]): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${command} did not finish within ${COMMAND_DEADLINE_MS} ms`)), COMMAND_DEADLINE_MS);
  });
  try {
    return await Promise.race([vscode.commands.executeCommand(command, ...args), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function webviewTabLabels(): string[] {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
  return tabs.filter((t) => t.input instanceof vscode.TabInputWebview).map((t) => t.label);
}

/** Resolves once a webview tab with `label` is open, checking now and whenever tabs change. */
function waitForWebviewTab(label: string, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!webviewTabLabels().includes(label)) return;
      subscription.dispose();
      clearTimeout(timer);
      resolve();
    };
    const subscription = vscode.window.tabGroups.onDidChangeTabs(check);
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no webview tab "${label}" after ${ms} ms; webview tabs: ${JSON.stringify(webviewTabLabels())}`));
    }, ms);
    check();
  });
}

async function showSummaryOpensPanel(): Promise<void> {
  await serverReady();
  const uri = workspaceUri('small.stride');
  await open(uri);
  const tab = waitForWebviewTab('Summary: Small');
  await execute('stride.showSummary', uri.toString(), 'Small');
  await tab;
}

async function checkWorkspaceReportsUnopenedFiles(): Promise<void> {
  await serverReady();
  const uri = workspaceUri('unopened.stride');
  assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'unopened.stride is already open');
  assert.equal(vscode.languages.getDiagnostics(uri).length, 0, 'diagnostics before the check');
  const published = waitForDiagnostics(uri, (l) => l.some((d) => codeOf(d) === 'invalid-reshape'), 'the workspace check');
  // Not awaited: the effect is what this case checks; settling is checked separately below.
  void vscode.commands.executeCommand('stride.checkWorkspace');
  const list = await published;
  assert.equal(list.length, 1, describeDiagnostics(list));
  assert.equal(list[0].range.start.line, 3, 'invalid-reshape on `reshape(5, 5)`');
}

/** Resolves once `uri` loses its diagnostics (the old client stopped) and then gets them back (a new one runs). */
function waitForRepublish(uri: vscode.Uri, ms = 30_000): Promise<void> {
  let cleared = false;
  return waitForDiagnostics(
    uri,
    (list) => {
      if (list.length === 0) cleared = true;
      return cleared && list.length > 0;
    },
    'diagnostics to be cleared and published again',
    ms,
  ).then(() => undefined);
}

async function restartServerKeepsServing(): Promise<void> {
  await serverReady();
  const mistakes = workspaceUri('mistakes.stride');
  assert.ok(vscode.languages.getDiagnostics(mistakes).length > 0, 'no diagnostics before the restart');
  const republished = waitForRepublish(mistakes);
  void vscode.commands.executeCommand('stride.restartServer');
  await republished;
  // A document opened after the restart can only get diagnostics from the new server.
  const doc = await vscode.workspace.openTextDocument({ language: 'stride', content: 'model After {\n  input(8, 8, 1)\n  conv2dd(4, 3)\n}\n' });
  await vscode.window.showTextDocument(doc);
  const list = await waitForDiagnostics(doc.uri, (l) => l.length > 0, 'diagnostics from the restarted server');
  assert.deepEqual(
    list.map((d) => [codeOf(d), d.range.start.line]),
    [['unknown-layer', 2]],
  );
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

/**
 * Callers of executeCommand (other extensions, tasks, tests) must not hang until a person dismisses
 * a notification, so commands resolve once their work is done.
 */
async function commandsSettle(): Promise<void> {
  await serverReady();
  await execute('stride.checkWorkspace');
  await execute('stride.restartServer');
  await waitForDiagnostics(workspaceUri('mistakes.stride'), (l) => l.length > 0, 'diagnostics after the restart');
}

/** Command lines of this extension host's child processes that run the bundled language server. */
function serverCommandLines(): string[][] {
  const lines = childPids(process.pid).flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)];
    } catch {
      return []; // ended meanwhile
    }
  });
  return lines.filter((argv) => argv.some((a) => a.endsWith('dist/server.js')));
}

/** Waits until exactly one language server runs (a stopped one may take a moment to exit) and checks its heap flags. */
async function expectServerHeap(expected: string[], what: string): Promise<void> {
  let seen: string[][] = [];
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    seen = serverCommandLines().map(heapFlagsIn);
    if (seen.length === 1) break;
  }
  assert.deepEqual(seen, [expected], `${what}: the heap flags of the running language servers`);
}

/** The server's Node process gets the young generation the setting asks for, and a restart applies a change. */
async function serverHeapFollowsTheSetting(): Promise<void> {
  await serverReady();
  await expectServerHeap(['--max-semi-space-size=128', '--semi-space-growth-factor=8'], 'the default');
  const config = vscode.workspace.getConfiguration('stride');
  await config.update('server.youngGenerationMB', 0, vscode.ConfigurationTarget.Global);
  try {
    await execute('stride.restartServer');
    await expectServerHeap([], "0 (Node's default heap)");
    await config.update('server.youngGenerationMB', 48, vscode.ConfigurationTarget.Global);
    await execute('stride.restartServer');
    await expectServerHeap(['--max-semi-space-size=48', '--semi-space-growth-factor=8'], '48 MB');
  } finally {
    await config.update('server.youngGenerationMB', undefined, vscode.ConfigurationTarget.Global);
    await execute('stride.restartServer');
  }
  await waitForDiagnostics(workspaceUri('mistakes.stride'), (l) => l.length > 0, 'diagnostics after the restart');
}

export const commandCases: readonly Case[] = [
  { name: 'stride.showSummary opens the summary panel', run: showSummaryOpensPanel },
  { name: 'stride.checkWorkspace reports files that are not open', run: checkWorkspaceReportsUnopenedFiles },
  { name: 'stride.restartServer brings back a working server', run: restartServerKeepsServing },
  { name: 'commands settle without waiting for a notification to be dismissed', run: commandsSettle },
  { name: "the server's heap follows stride.server.youngGenerationMB after a restart", run: serverHeapFollowsTheSetting },
];
