// The read-only custom editor for model files (ONNX, Keras, tfjs): imports the file and shows the imported model's
// drawing and summary table, or the import error as text; Convert writes the `.stride` file beside it.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkFromModelFile, type FromModelFile, type ToModelFile } from '../../protocol/model-file';
import { modelFileHtml } from '../../webview/html';
import type { Ctx } from '../ctx';
import { bundleFolder, pageOptions } from '../webview-page';
import { convertToStride, loadImporter } from './convert';

export const MODEL_FILE_VIEW_TYPE = 'stride.modelFile';

/** The viewer keeps nothing of the file: every view imports it afresh. */
class ModelFileDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export class ModelFileEditorProvider implements vscode.CustomReadonlyEditorProvider<ModelFileDocument> {
  constructor(private readonly ctx: Ctx) {}

  static register(ctx: Ctx): vscode.Disposable {
    // Kept alive while hidden: the drawing and the collapse state survive switching tabs without another import.
    const options = { webviewOptions: { retainContextWhenHidden: true }, supportsMultipleEditorsPerDocument: true };
    return vscode.window.registerCustomEditorProvider(MODEL_FILE_VIEW_TYPE, new ModelFileEditorProvider(ctx), options);
  }

  openCustomDocument(uri: vscode.Uri): ModelFileDocument {
    return new ModelFileDocument(uri);
  }

  resolveCustomEditor(document: ModelFileDocument, panel: vscode.WebviewPanel): void {
    new ModelFileView(this.ctx, document.uri, panel);
  }
}

/** One open viewer: answers the page's messages and imports again when the file changes on disk. */
class ModelFileView {
  private ready = false;

  constructor(
    private readonly ctx: Ctx,
    private readonly uri: vscode.Uri,
    private readonly panel: vscode.WebviewPanel,
  ) {
    const extensionUri = ctx.extension.extensionUri;
    panel.webview.options = { enableScripts: true, localResourceRoots: [bundleFolder(extensionUri)] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'icons', 'stride-file.svg');
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), path.basename(uri.path)));
    const disposables = [
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      watcher,
      watcher.onDidChange(() => this.ready && this.show()),
      watcher.onDidCreate(() => this.ready && this.show()),
    ];
    panel.onDidDispose(() => disposables.forEach((d) => d.dispose()));
    panel.webview.html = modelFileHtml(pageOptions(panel.webview, extensionUri, 'model-file'));
  }

  /** Every message from the page is validated; anything unknown or malformed is ignored. */
  private receive(raw: unknown): void {
    const checked = checkFromModelFile(raw);
    if (checked.ok) void this.handle(checked.value);
  }

  private async handle(m: FromModelFile): Promise<void> {
    switch (m.type) {
      case 'ready':
        // A fresh page (first load, or reloaded): it has nothing yet.
        this.ready = true;
        return this.show();
      case 'convert':
        await convertToStride(this.ctx, this.uri);
        return;
    }
  }

  private post(message: ToModelFile): void {
    void this.panel.webview.postMessage(message);
  }

  /** Imports the file and sends the model, or the error as text: the page is never left blank. */
  private async show(): Promise<void> {
    const file = path.basename(this.uri.path);
    if (this.uri.scheme !== 'file') return this.post({ type: 'error', file, message: `${file} is not a file on disk; only those can be imported.` });
    try {
      const importer = loadImporter(this.ctx);
      const result = importer.importModelFile(this.uri.fsPath);
      if (!result.ok) return this.post({ type: 'error', file, message: result.error });
      const view = importer.viewOf(result.text, this.uri.toString());
      if (!view) return this.post({ type: 'error', file, message: `${file} was read, but the Stride text made from it holds no model.` });
      this.post({ type: 'model', file, ...view });
    } catch (e) {
      this.post({ type: 'error', file, message: `Stride could not show ${file}: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
}
