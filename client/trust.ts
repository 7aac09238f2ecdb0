// Restricted Mode: in a folder the user has not trusted, Stride analyses and draws but does not train, read or download
// data sets, or start programs (Node workers, the CLI, Python); the commands that would say why instead.

import * as vscode from 'vscode';

/** The commands that run code or fetch data for training; everything else (analysis, preview, summary, export) stays on. */
export const TRUST_COMMANDS: ReadonlySet<string> = new Set(['stride.train', 'stride.trainInBackground', 'stride.trainWithTorch', 'stride.trainWithCli']);

const MANAGE = 'Manage Workspace Trust';

/** The one-line reason shown when something is refused in Restricted Mode. */
export function restrictedMessage(what: string): string {
  return `Stride: ${what} is off in Restricted Mode: this folder is not trusted, and training runs code and reads data from it. Trust the folder to train.`;
}

/**
 * True when `command` may run here. Otherwise shows why, with a button to the trust editor, and answers false
 * without waiting for the message (callers of executeCommand must not hang on it).
 */
export function allowedHere(command: string): boolean {
  if (vscode.workspace.isTrusted || !TRUST_COMMANDS.has(command)) return true;
  void vscode.window.showWarningMessage(restrictedMessage('training'), MANAGE).then((choice) => {
    if (choice === MANAGE) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/** Throws the Restricted Mode reason for `what` when the workspace is not trusted (the training page's data requests). */
export function requireTrust(what: string): void {
  if (!vscode.workspace.isTrusted) throw new Error(restrictedMessage(what));
}
