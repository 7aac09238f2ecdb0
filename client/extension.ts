// Extension entry: a thin activate that builds the context, registers commands and the status bar, and starts the server.

import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { ModelFileEditorProvider } from './model-file/editor';
import { registerStatusBar } from './status-bar';
import { registerTaskProvider } from './tasks';
import { registerTrainingSerializer } from './training/commands';

/**
 * The one piece of module state: VS Code calls `deactivate()` without arguments, and stopping the server must be
 * awaited there (a disposable's `dispose` is not). Everything else lives in the context.
 */
let current: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const ctx = new Ctx(context);
  current = ctx;
  try {
    registerCommands(ctx);
    registerStatusBar(ctx);
    ctx.pushExtensionScoped(ctx.previews.registerSerializer());
    ctx.pushExtensionScoped(registerTrainingSerializer(ctx.training));
    ctx.pushExtensionScoped(ModelFileEditorProvider.register(ctx));
    ctx.pushExtensionScoped(registerTaskProvider(context.extensionPath));
  } catch (error) {
    // Whatever did register keeps working; the user learns that something is missing rather than finding out later.
    return showActivationError(ctx, 'could not set up its commands and views', error);
  }
  try {
    await ctx.start();
  } catch (error) {
    // Commands stay registered and answer that the server is down; restarting is one command away.
    showActivationError(ctx, 'the language server failed to start', error);
  }
}

function showActivationError(ctx: Ctx, what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  ctx.output.appendLine(`Stride: ${what}: ${message}`);
  void vscode.window.showErrorMessage(`Stride: ${what}: ${message}`, 'Show Log').then((choice) => {
    if (choice === 'Show Log') ctx.output.show();
  });
}

export async function deactivate(): Promise<void> {
  await current?.stop();
  current = undefined;
}
