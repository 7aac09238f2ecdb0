// Turns a model file into a `.stride` file beside it and opens it: the viewer's Convert button and Stride: Import Model….

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

export type Importer = typeof import('./runner');

/** webpack's name for Node's own require, left as is in the bundle (a plain `require` would be bundled). */
declare const __non_webpack_require__: NodeJS.Require;

/** The importers live in their own bundle, required on first use: activation never pays for them. */
export function loadImporter(ctx: Ctx): Importer {
  return __non_webpack_require__(ctx.extension.asAbsolutePath(path.join('dist', 'importer.js'))) as Importer;
}

/** The file types the importers read, for the open dialog. */
export const MODEL_FILE_FILTERS = { 'Model files': ['onnx', 'keras', 'h5', 'json'] };

/**
 * Imports `file`, writes `NAME.stride` beside it (asking before overwriting) and opens it. Resolves with the path
 * written, or undefined when the import failed (the error is shown) or the user kept the existing file.
 */
export async function convertToStride(ctx: Ctx, file: vscode.Uri): Promise<string | undefined> {
  const name = path.basename(file.fsPath);
  if (file.scheme !== 'file') {
    void vscode.window.showErrorMessage(`Stride: ${name} is not a file on disk; only those can be imported.`);
    return undefined;
  }
  const importer = loadImporter(ctx);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Stride: importing ${name}…` }, async () => {
    // The import runs on this thread: let the notification reach the window before it starts.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return importer.importModelFile(file.fsPath);
  });
  if (!result.ok) {
    // Notifications show one line: a list of unsupported operators is joined.
    void vscode.window.showErrorMessage(`Stride: cannot import ${name}: ${result.error.replace(/\s*\n\s*/g, '; ')}`);
    return undefined;
  }
  const target = vscode.Uri.file(importer.strideTarget(file.fsPath));
  if ((await exists(target)) && !(await confirmOverwrite(target))) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.text));
  await vscode.window.showTextDocument(target, { preview: false });
  return target.fsPath;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

async function confirmOverwrite(target: vscode.Uri): Promise<boolean> {
  const answer = await vscode.window.showWarningMessage(`${path.basename(target.fsPath)} exists. Overwrite it?`, { modal: true }, 'Overwrite');
  return answer === 'Overwrite';
}
