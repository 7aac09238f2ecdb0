// Run Model on Image from the explorer's context menu on an image: the image is given, the model file is asked for.

import * as vscode from 'vscode';

/** The `.stride` file to predict with: the only one in the workspace, else a pick (the active editor's first), else a file dialog. */
export async function modelFileForImage(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  const found = await vscode.workspace.findFiles('**/*.stride', '**/node_modules/**', 500);
  const files = active?.languageId === 'stride' ? [active.uri, ...found.filter((f) => f.toString() !== active.uri.toString())] : found;
  if (files.length === 1) return files[0];
  if (files.length > 1) {
    const items = files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }));
    return (await vscode.window.showQuickPick(items, { title: 'Stride: run which model file on the image?' }))?.uri;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { Stride: ['stride'] },
    title: 'Stride: the model file to run on the image',
  });
  return picked?.[0];
}
