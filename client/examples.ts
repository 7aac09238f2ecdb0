// `stride.openExample`: opens a copy of a bundled example (the walkthrough's buttons), then optionally shows one thing in it.

import * as vscode from 'vscode';

/** The examples the picker offers first; any `examples/NAME.stride` shipped with the extension may be named. */
const FEATURED = ['shapes', 'diagnostics', 'resnet8', 'lenet5', 'resnet18', 'mobilenetv2'];

/** What to do once the example is open, at the first occurrence of the `find` text when one is given. */
const ACTIONS: Readonly<Record<string, string[]>> = {
  hover: ['editor.action.showHover'],
  quickFix: ['editor.action.quickFix'],
  preview: ['stride.openPreview'],
  train: ['stride.train'],
  activations: ['stride.openPreview', 'stride.train'],
};

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Copies `examples/NAME.stride` into the extension's storage (the installed extension folder is read-only, and training
 * writes weights beside the model file) unless a copy is there already, opens it and runs the action.
 */
export async function openExample(extension: vscode.ExtensionContext, name?: unknown, find?: unknown, then?: unknown): Promise<vscode.TextEditor | undefined> {
  const chosen = typeof name === 'string' ? name : await pickExample(extension);
  if (!chosen) return undefined;
  if (!NAME.test(chosen)) throw new Error(`'${chosen}' is not an example name`);
  const source = vscode.Uri.joinPath(extension.extensionUri, 'examples', `${chosen}.stride`);
  const folder = vscode.Uri.joinPath(extension.globalStorageUri, 'examples');
  const copy = vscode.Uri.joinPath(folder, `${chosen}.stride`);
  if (!(await exists(copy))) {
    await vscode.workspace.fs.createDirectory(folder);
    await vscode.workspace.fs.copy(source, copy);
  }
  const editor = await vscode.window.showTextDocument(copy, { preview: false, viewColumn: vscode.ViewColumn.One });
  if (typeof find === 'string') placeCursor(editor, find);
  for (const command of (typeof then === 'string' ? ACTIONS[then] : undefined) ?? []) await vscode.commands.executeCommand(command);
  return editor;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

/** Puts the cursor inside the first occurrence of `text` (one character in, so a hover or fix there finds the word). */
function placeCursor(editor: vscode.TextEditor, text: string): void {
  const at = editor.document.getText().indexOf(text);
  if (at < 0) return;
  const position = editor.document.positionAt(at + Math.min(1, text.length));
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenter);
}

async function pickExample(extension: vscode.ExtensionContext): Promise<string | undefined> {
  const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(extension.extensionUri, 'examples'));
  const names = entries.filter(([file]) => file.endsWith('.stride')).map(([file]) => file.slice(0, -'.stride'.length));
  const ordered = [...FEATURED.filter((n) => names.includes(n)), ...names.filter((n) => !FEATURED.includes(n)).sort()];
  return vscode.window.showQuickPick(ordered, { title: 'Stride: open which example?' });
}
