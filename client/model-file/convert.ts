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
 * Imports `file`, writes `NAME.stride` beside it (asking before overwriting), saves the file's weights where Run
 * Model on Image, the training panel and `stride predict` look for them, and opens the text. Resolves with the path
 * written, or undefined when the import failed (the error is shown) or the user kept the existing file.
 */
export async function convertToStride(ctx: Ctx, file: vscode.Uri): Promise<string | undefined> {
  const name = path.basename(file.fsPath);
  if (file.scheme !== 'file') {
    void vscode.window.showErrorMessage(`Stride: ${name} is not a file on disk; only those can be imported.`);
    return undefined;
  }
  const importer = loadImporter(ctx);
  const result = await withNotification(`Stride: importing ${name}…`, () => importer.importForConvert(file.fsPath));
  if (!result.ok) {
    // Notifications show one line: a list of unsupported operators is joined.
    void vscode.window.showErrorMessage(`Stride: cannot import ${name}: ${oneLine(result.error)}`);
    return undefined;
  }
  const target = vscode.Uri.file(importer.strideTarget(file.fsPath));
  if ((await exists(target)) && !(await confirmOverwrite(target))) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.text));
  // The weights are saved before the text opens, so everything the editor offers on it works from the start.
  const weights = result.weights;
  const saved = weights
    ? await withNotification(`Stride: saving the weights of ${name}…`, () => importer.saveImportedWeights(weights, target.fsPath))
    : undefined;
  const written = path.basename(target.fsPath);
  const refusal = saved && !saved.ok ? saved.error : result.weightsError;
  if (refusal !== undefined) void vscode.window.showWarningMessage(`Stride: wrote ${written}, but the weights of ${name} were not saved: ${oneLine(refusal)}`);
  else if (saved?.ok)
    void vscode.window.showInformationMessage(`Stride: wrote ${written} and the weights of ${name} in ${vscode.workspace.asRelativePath(saved.dir)}.`);
  await vscode.window.showTextDocument(target, { preview: false });
  return target.fsPath;
}

/** Runs `work` (on this thread) under a progress notification. */
function withNotification<T>(title: string, work: () => T | Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, async () => {
    // Let the notification reach the window before the work holds the thread.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return work();
  });
}

const oneLine = (message: string) => message.replace(/\s*\n\s*/g, '; ');

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
