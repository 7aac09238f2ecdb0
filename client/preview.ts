// The open architecture previews, owned by the context: open (one panel per document), switch model, restore after a reload.

import * as vscode from 'vscode';
import { checkPreviewTarget } from '../protocol/preview';
import type { Ctx } from './ctx';
import { PREVIEW_VIEW_TYPE, PreviewPanel, previewOptions } from './preview-panel';

export class Previews implements vscode.Disposable {
  /** Open previews by document uri: opening again reveals the panel instead of stacking another. */
  private readonly panels = new Map<string, PreviewPanel>();

  constructor(private readonly ctx: Ctx) {}

  /** Opens (or reveals) the preview of `uri`: the model named, else the one at `position`, else the first. */
  open(uri?: string, model?: string, position?: vscode.Position): PreviewPanel | undefined {
    if (!uri) {
      void vscode.window.showInformationMessage('Stride: open a .stride file to preview its architecture.');
      return undefined;
    }
    const existing = this.panels.get(uri);
    if (existing) {
      existing.reveal();
      if (model !== undefined && model !== existing.modelName) existing.showModel(model);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      PREVIEW_VIEW_TYPE,
      model ? `Preview: ${model}` : 'Preview',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      previewOptions(this.ctx.extension.extensionUri),
    );
    return this.track(new PreviewPanel(this.ctx, panel, uri, model, position));
  }

  /** A quick pick of the document's models; the preview switches to the one chosen. */
  async pickModel(): Promise<void> {
    const preview = this.current();
    if (!preview) {
      void vscode.window.showInformationMessage('Stride: open an architecture preview first.');
      return;
    }
    const items = preview.modelNames.map((name) => ({ label: name, description: name === preview.modelName ? 'shown' : undefined }));
    if (items.length === 0) {
      void vscode.window.showInformationMessage('Stride: this file has no model to preview.');
      return;
    }
    const choice = await vscode.window.showQuickPick(items, { placeHolder: 'Model to preview' });
    if (choice) preview.showModel(choice.label);
  }

  /** Previews open when the window closed come back after a reload, showing the same model. */
  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => {
        const target = checkPreviewTarget(state);
        if (!target.ok || this.panels.has(target.value.uri)) {
          panel.dispose();
          return;
        }
        this.track(new PreviewPanel(this.ctx, panel, target.value.uri, target.value.model));
      },
    });
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
  }

  private track(preview: PreviewPanel): PreviewPanel {
    this.panels.set(preview.uri, preview);
    preview.onDidDispose(() => this.panels.get(preview.uri) === preview && this.panels.delete(preview.uri));
    return preview;
  }

  /** The preview in focus, else the preview of the active editor's document. */
  private current(): PreviewPanel | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    return [...this.panels.values()].find((p) => p.panel.active) ?? (uri ? this.panels.get(uri) : undefined);
  }
}
