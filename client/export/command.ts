// Stride: Export Model…: pick a format (and a model when the file has several), write beside the model, offer to open it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { LANGUAGE_ID } from '../ctx';

type Runner = typeof import('./runner');

/** The exporters and tfjs live in their own bundle, required on first use: activation never pays for them. */
function loadRunner(ctx: Ctx): Runner {
  return __non_webpack_require__(ctx.extension.asAbsolutePath(path.join('dist', 'export.js'))) as Runner;
}

/** webpack's name for Node's own require, left as is in the bundle (a plain `require` would be bundled). */
declare const __non_webpack_require__: NodeJS.Require;

/** The document to export: a uri argument (explorer, editor title) or the active Stride editor. */
async function documentOf(arg: unknown): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
  if (typeof arg === 'string') return vscode.workspace.openTextDocument(vscode.Uri.parse(arg));
  const editor = vscode.window.activeTextEditor;
  return editor?.document.languageId === LANGUAGE_ID ? editor.document : undefined;
}

export function exportModelCommand(ctx: Ctx) {
  return async (uri?: unknown, modelArg?: unknown): Promise<string[] | undefined> => {
    const doc = await documentOf(uri);
    if (!doc || doc.uri.scheme !== 'file') {
      void vscode.window.showInformationMessage('Stride: open a saved .stride file to export its model.');
      return undefined;
    }
    const runner = loadRunner(ctx);
    const format = await vscode.window.showQuickPick(
      runner.exportFormats().map((f) => ({ label: f.name, description: f.summary })),
      { title: 'Stride: Export Model', placeHolder: 'Export format' },
    );
    if (!format) return undefined;
    const model = typeof modelArg === 'string' ? modelArg : await pickModel(runner, doc);
    if (!model) return undefined;
    const target = runner.exportTarget(doc.uri.fsPath, model, format.label);
    if (fs.existsSync(target) && !(await confirmOverwrite(target))) return undefined;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Stride: exporting ${model} as ${format.label}…` },
      () => runner.runExport(doc.getText(), doc.uri.fsPath, model, format.label),
    );
    if (!result.ok) {
      // Notifications show one line: a refusal's list of layers is joined.
      void vscode.window.showErrorMessage(
        `Stride: cannot export ${model} as ${format.label}: ${result.error.replace(/:?\s*\n\s*/g, ': ').replace(/: (?=')/g, '; ')}`,
      );
      return undefined;
    }
    void offerToOpen(model, target, result.written, result.notes);
    return result.written;
  };
}

/** The model to export: the only one, else a pick with the one at the cursor first. */
async function pickModel(runner: Runner, doc: vscode.TextDocument): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  const offset = editor?.document === doc ? doc.offsetAt(editor.selection.active) : undefined;
  const { names, current } = runner.exportModels(doc.getText(), offset);
  if (names.length <= 1) return names[0];
  const ordered = current ? [current, ...names.filter((n) => n !== current)] : names;
  return vscode.window.showQuickPick(ordered, { title: 'Stride: Export Model', placeHolder: 'Model to export' });
}

async function confirmOverwrite(target: string): Promise<boolean> {
  const answer = await vscode.window.showWarningMessage(`${path.basename(target)} exists. Overwrite it?`, { modal: true }, 'Overwrite');
  return answer === 'Overwrite';
}

async function offerToOpen(model: string, target: string, written: readonly string[], notes: readonly string[]): Promise<void> {
  const tail = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  const choice = await vscode.window.showInformationMessage(`Stride: exported ${model} to ${path.basename(target)}${tail}`, 'Open', 'Reveal');
  const main = written.find((f) => /\.(py|json)$/.test(f)) ?? written[0];
  if (choice === 'Open' && main) await vscode.window.showTextDocument(vscode.Uri.file(main));
  if (choice === 'Reveal') await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(main ?? target));
}
