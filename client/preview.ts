// The architecture preview's entry points: open (one panel per document), switch model, restore after a reload.

import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { PREVIEW_VIEW_TYPE, PreviewPanel, previewOptions } from './preview-panel';

export const PREVIEW_MODEL_COMMAND = 'stride.previewModel';

/** Open previews by document uri: opening again reveals the panel instead of stacking another. */
const panels = new Map<string, PreviewPanel>();

/** Opens (or reveals) the preview of `uri`: the model named, else the one at `position`, else the first. */
export function openPreview(ctx: Ctx, uri?: string, model?: string, position?: vscode.Position): PreviewPanel | undefined {
  if (!uri) {
    void vscode.window.showInformationMessage('Stride: open a .stride file to preview its architecture.');
    return undefined;
  }
  const existing = panels.get(uri);
  if (existing) {
    existing.reveal();
    if (model !== undefined && model !== existing.modelName) existing.showModel(model);
    return existing;
  }
  const panel = vscode.window.createWebviewPanel(
    PREVIEW_VIEW_TYPE,
    model ? `Preview: ${model}` : 'Preview',
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    previewOptions(ctx.extension.extensionUri),
  );
  return track(new PreviewPanel(ctx, panel, uri, model, position));
}

function track(preview: PreviewPanel): PreviewPanel {
  panels.set(preview.uri, preview);
  preview.onDidDispose(() => panels.get(preview.uri) === preview && panels.delete(preview.uri));
  return preview;
}

/** The preview in focus, else the preview of the active editor's document. */
function currentPreview(): PreviewPanel | undefined {
  const all = [...panels.values()];
  const uri = vscode.window.activeTextEditor?.document.uri.toString();
  return all.find((p) => p.panel.active) ?? (uri ? panels.get(uri) : undefined);
}

/** A quick pick of the document's models; the preview switches to the one chosen. */
export async function pickPreviewModel(): Promise<void> {
  const preview = currentPreview();
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

/** What the page saved with `setState`, as far as a restore needs it; anything else is ignored. */
function savedTarget(state: unknown): { uri: string; model?: string } | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as { uri?: unknown; graph?: { model?: unknown } };
  if (typeof s.uri !== 'string') return undefined;
  const model = typeof s.graph?.model === 'string' ? s.graph.model : undefined;
  return { uri: s.uri, model };
}

/** Previews open when the window closed come back after a reload, showing the same model. */
export function registerPreviewSerializer(ctx: Ctx): void {
  const serializer: vscode.WebviewPanelSerializer = {
    deserializeWebviewPanel: async (panel, state) => {
      const target = savedTarget(state);
      if (!target || panels.has(target.uri)) {
        panel.dispose();
        return;
      }
      track(new PreviewPanel(ctx, panel, target.uri, target.model));
    },
  };
  ctx.pushExtensionScoped(vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, serializer));
  ctx.pushExtensionScoped({ dispose: () => [...panels.values()].forEach((p) => p.dispose()) });
}
