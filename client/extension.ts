// Extension entry: a thin activate that builds the context, registers commands and the status bar, and starts the server.

import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { registerStatusBar } from './status-bar';
import { disposeBackgroundRuns } from './training/background';
import { registerTrainingCommands, registerTrainingSerializer } from './training/panel';

let current: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const ctx = new Ctx(context);
  current = ctx;
  registerCommands(ctx);
  registerStatusBar(ctx);
  ctx.pushExtensionScoped(ctx.previews.registerSerializer());
  context.subscriptions.push(registerTrainingSerializer(context), ...registerTrainingCommands(context), disposeBackgroundRuns());
  try {
    await ctx.start();
  } catch (error) {
    // Commands stay registered and answer that the server is down; restarting is one command away.
    const message = error instanceof Error ? error.message : String(error);
    ctx.output.appendLine(`Stride language server failed to start: ${message}`);
    void vscode.window.showErrorMessage(`Stride: the language server failed to start: ${message}`, 'Show Log').then((choice) => {
      if (choice === 'Show Log') ctx.output.show();
    });
  }
}

export async function deactivate(): Promise<void> {
  await current?.stop();
  current = undefined;
}
