// Extension entry: a thin activate that builds the context, registers commands and the status bar, and starts the server.

import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { registerPreviewSerializer } from './preview';
import { registerStatusBar } from './status-bar';
import { registerTrainingSerializer } from './training/commands';

let current: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const ctx = new Ctx(context);
  current = ctx;
  registerCommands(ctx);
  registerStatusBar(ctx);
  registerPreviewSerializer(ctx);
  context.subscriptions.push(registerTrainingSerializer(ctx.training));
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
