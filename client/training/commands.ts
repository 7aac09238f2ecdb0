// Training's entry points for the command table and the serializer: open a panel, run a model on an image, show activations.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { isSafeModelName } from '../../protocol/training-payloads';
import { weightsDir } from '../../train/node/saved-files';
import type { TrainingHost } from './host';
import { TrainingPanel, type PanelState, type Prediction } from './panel';
import { readSavedWeights } from './storage';

export const TRAINING_VIEW_TYPE = 'stride.training';

export async function targetDocument(uri: string | vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
  if (uri) return vscode.workspace.openTextDocument(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri);
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId === 'stride') return editor.document;
  void vscode.window.showInformationMessage('Stride: open a .stride file to train one of its models.');
  return undefined;
}

/** Opens (or reveals) the training panel for a model of a document; `autoStart` starts training at once. */
export async function openTrainingPanel(
  host: TrainingHost,
  uri?: string | vscode.Uri,
  model?: string,
  options: { autoStart?: boolean } = {},
): Promise<TrainingPanel | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const name = (await host.chooseModel(doc, model))?.name;
  if (!name) return undefined;
  if (!isSafeModelName(name)) return void vscode.window.showErrorMessage(`Stride: model name '${name}' cannot name a weights folder.`);
  const state = { uri: doc.uri.toString(), model: name };
  const existing = host.panelFor(state.uri, state.model);
  if (existing) {
    existing.reveal(options.autoStart ?? false);
    return existing;
  }
  const panel = vscode.window.createWebviewPanel(TRAINING_VIEW_TYPE, `Train ${name}`, vscode.ViewColumn.Beside, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(host.extension.extensionUri, 'dist', 'webview')],
  });
  return new TrainingPanel(host, panel, state, options.autoStart ?? false);
}

function isPanelState(v: unknown): v is PanelState {
  const o = v as PanelState | undefined;
  return typeof o === 'object' && o !== null && typeof o.uri === 'string' && typeof o.model === 'string' && isSafeModelName(o.model);
}

/** Restores panels after a reload; the page then offers to resume from the stored checkpoint. */
export function registerTrainingSerializer(host: TrainingHost): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(TRAINING_VIEW_TYPE, {
    async deserializeWebviewPanel(panel, state: unknown) {
      if (!isPanelState(state)) {
        panel.dispose();
        return;
      }
      new TrainingPanel(host, panel, state, false);
    },
  });
}

/** Jumps to a layer's activations in the open training panel (from the architecture preview). */
export async function showActivations(host: TrainingHost, layer: string, uri?: string, model?: string): Promise<boolean> {
  const panel = [...host.panels.values()].find((p) => (!uri || p.state.uri === uri) && (!model || p.state.model === model));
  if (!panel) return false;
  panel.panel.reveal(undefined, true);
  return panel.post({ type: 'showActivations', layer });
}

/** `stride.runOnImage`: predicts with the saved weights and shows the top classes. */
export async function runModelOnImage(host: TrainingHost, uri?: string, model?: string, file?: string): Promise<Prediction | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const name = (await host.chooseModel(doc, model))?.name;
  if (!name) return undefined;
  if (!readSavedWeights(weightsDir(doc.uri.fsPath, name))) {
    void vscode.window.showWarningMessage(`Stride: '${name}' has no trained weights yet. Train it first (Stride: Train Model).`);
    return undefined;
  }
  const image =
    file ??
    (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Images: ['png', 'jpg', 'jpeg'] }, title: 'Run the model on an image' }))?.[0]
      ?.fsPath;
  if (!image) return undefined;
  const panel = await openTrainingPanel(host, doc.uri, name);
  if (!panel) return undefined;
  const prediction = await panel.predictFile(image);
  const top = prediction.top.slice(0, 3).map((t) => `${t.label} ${(t.probability * 100).toFixed(1)}%`);
  void vscode.window.showInformationMessage(`Stride: ${path.basename(image)} → ${top.join(', ')}`);
  return prediction;
}
