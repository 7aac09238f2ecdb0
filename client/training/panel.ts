// The training panel on the extension-host side: opens and restores the webview, answers its messages, owns files.

import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkFromWebview, decodeBytes, encodeBytes, isSafeModelName, trainingPageHtml, type FromWebview, type ToWebview } from '../../protocol/training';
import { loadImage } from '../../train/node/data/folder';
import { backgroundRun, replayMessage } from './background-runs';
import { feedData } from './data-feed';
import { weightsDir } from '../../train/node/saved-files';
import { checkpointDir, readCheckpoint, readSavedWeights, removeCheckpoint, saveWeights, writeCheckpoint } from './storage';

export const TRAINING_VIEW_TYPE = 'stride.training';

interface PanelState {
  readonly uri: string;
  readonly model: string;
}

const panels = new Map<string, TrainingPanel>();
const keyOf = (s: PanelState) => `${s.uri}\n${s.model}`;

/** Top classes of the last prediction each panel made, for Run Model on Image and tests. */
export interface Prediction {
  readonly name: string;
  readonly top: readonly { readonly label: string; readonly probability: number }[];
}

export class TrainingPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private pendingImage: string | undefined;
  /** The page has said it is ready: messages sent before would be lost. */
  private ready = false;
  private autoStart: boolean;
  private predictionWaiters: ((p: Prediction) => void)[] = [];
  lastPrediction: Prediction | undefined;
  /** The page is training (between its `runStarted` and `runEnded`): a background run of the model must wait. */
  training = false;
  /** Every validated message from the page, newest last (bounded): what tests inspect. */
  readonly log: FromWebview['type'][] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly panel: vscode.WebviewPanel,
    readonly state: PanelState,
    autoStart: boolean,
  ) {
    this.autoStart = autoStart;
    panel.title = `Train ${state.model}`;
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')] };
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    panels.set(keyOf(state), this);
  }

  private html(): string {
    const webview = this.panel.webview;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview', 'training.js'));
    return trainingPageHtml({ cspSource: webview.cspSource, nonce: crypto.randomBytes(18).toString('base64'), scriptUri: script.toString() });
  }

  private get modelFile(): string {
    return vscode.Uri.parse(this.state.uri).fsPath;
  }

  private get checkpointFolder(): string {
    return checkpointDir(this.context.globalStorageUri.fsPath, this.state.uri, this.state.model);
  }

  /** Bytes travel as base64 both ways: VS Code does not carry Node Buffers (or, page→host, any typed array) intact. */
  post(m: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(encodeBytes(m));
  }

  /** Validates, then dispatches; the switch is exhaustive over the protocol. */
  private async receive(raw: unknown): Promise<void> {
    const checked = checkFromWebview(decodeBytes(raw));
    if (!checked.ok) {
      console.error(`Stride training panel: invalid message: ${checked.error}`);
      return void vscode.window.showErrorMessage(`Stride: ignored an invalid message from the training panel: ${checked.error}.`);
    }
    const m = checked.value;
    this.log.push(m.type);
    if (this.log.length > 1000) this.log.shift();
    try {
      await this.handle(m);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await this.post(m.type === 'requestData' ? { type: 'dataError', message } : { type: 'error', message });
    }
  }

  private async handle(m: FromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        await this.sendInit();
        // Run Model on Image before the page was ready: ask for the image now that it listens.
        if (this.pendingImage) await this.post({ type: 'askImage' });
        return;
      case 'requestData':
        return this.sendData(m);
      case 'checkpoint':
        return writeCheckpoint(this.checkpointFolder, m.checkpoint);
      case 'saveWeights':
        return this.save(m);
      case 'pickImage':
        return this.sendImage(m.shape);
      case 'notify':
        return void (m.level === 'error'
          ? vscode.window.showErrorMessage(m.message)
          : m.level === 'warning'
            ? vscode.window.showWarningMessage(m.message)
            : vscode.window.showInformationMessage(m.message));
      case 'prediction':
        return this.predicted(m);
      case 'runStarted':
        this.training = true;
        return;
      case 'runEnded':
        this.training = false;
        if (m.reason === 'finished') removeCheckpoint(this.checkpointFolder);
        return;
      case 'stopBackground':
        return backgroundRun(this.state.uri, this.state.model)?.stop();
      case 'pauseBackground':
        return backgroundRun(this.state.uri, this.state.model)?.pause();
      case 'resumeBackground':
        return backgroundRun(this.state.uri, this.state.model)?.resume();
      default:
        return assertNever(m);
    }
  }

  private async sendInit(): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(this.state.uri));
    let saved = null;
    try {
      saved = readSavedWeights(weightsDir(this.modelFile, this.state.model), (m) => void vscode.window.showWarningMessage(`Stride: ${m}`));
    } catch (e) {
      void vscode.window.showWarningMessage(`Stride: ${e instanceof Error ? e.message : String(e)}`);
    }
    const checkpoint = readCheckpoint(this.checkpointFolder);
    // A background run of this model owns the charts: the page must not start a second run beside it.
    const background = backgroundRun(this.state.uri, this.state.model);
    const autoStart = this.autoStart && !background;
    if (this.autoStart && background)
      void vscode.window.showInformationMessage(`Stride: ${this.state.model} is training in the background; the panel shows that run.`);
    this.autoStart = false;
    await this.post({ type: 'init', uri: this.state.uri, text: doc.getText(), model: this.state.model, saved, checkpoint, autoStart });
    if (background) await this.post(replayMessage(background));
  }

  /** A background run's progress; before the page is ready nothing is sent (its init replays the run so far). */
  postBackground(m: ToWebview): void {
    if (this.ready) void this.post(m);
  }

  /** Reloads the document and the saved weights into the page (after a background run saved new ones). */
  refresh(): void {
    if (this.ready) void this.sendInit();
  }

  private async sendData(m: Extract<FromWebview, { type: 'requestData' }>): Promise<void> {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Stride: loading ${m.spec.kind}` }, (progress) =>
      feedData({
        spec: m.spec,
        inputShape: m.inputShape,
        modelFile: this.modelFile,
        post: (x) => this.post(x),
        onProgress: (message) => progress.report({ message }),
      }),
    );
  }

  private async save(m: Extract<FromWebview, { type: 'saveWeights' }>): Promise<void> {
    if (m.model !== this.state.model || !isSafeModelName(m.model))
      throw new Error(`Refused to save weights for model '${m.model}' from the panel of '${this.state.model}'.`);
    const dir = weightsDir(this.modelFile, m.model);
    saveWeights(dir, m.model, m.topology, m.weights, m.metadata);
    await this.post({ type: 'saved', path: vscode.workspace.asRelativePath(dir) });
  }

  private async sendImage(shape: readonly [number, number, number]): Promise<void> {
    let file = this.pendingImage;
    this.pendingImage = undefined;
    if (!file) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { Images: ['png', 'jpg', 'jpeg'] },
        title: 'Run the model on an image',
      });
      if (!picked?.[0]) return;
      file = picked[0].fsPath;
    }
    const [height, width, channels] = shape;
    const pixels = loadImage(file, { height, width, channels });
    await this.post({ type: 'image', name: path.basename(file), shape, pixels });
  }

  private predicted(m: Prediction): void {
    this.lastPrediction = { name: m.name, top: m.top };
    for (const w of this.predictionWaiters.splice(0)) w(this.lastPrediction);
  }

  /** Runs the model on an image file (Run Model on Image): the page asks for it at the model's input size. */
  async predictFile(file: string): Promise<Prediction> {
    this.pendingImage = file;
    const result = new Promise<Prediction>((resolve) => this.predictionWaiters.push(resolve));
    // Before the page is ready, the 'ready' handler asks for the image right after the document.
    if (this.ready) await this.post({ type: 'askImage' });
    return result;
  }

  /** Shows the panel again; the page reloads the document text unless a run is in progress (it says so then). */
  reveal(autoStart: boolean): void {
    this.panel.reveal(undefined, false);
    this.autoStart = autoStart;
    if (this.ready) void this.sendInit();
  }

  dispose(): void {
    panels.delete(keyOf(this.state));
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function assertNever(x: never): never {
  throw new Error(`Unhandled message ${JSON.stringify(x)}`);
}

/** `model Name` declarations, in order: enough to choose one; the page analyses the text fully. */
export function modelNames(text: string): string[] {
  return [...text.matchAll(/^[ \t]*model[ \t]+([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1]);
}

export async function chooseModel(doc: vscode.TextDocument, model: string | undefined): Promise<string | undefined> {
  const names = modelNames(doc.getText());
  if (model)
    return names.includes(model) ? model : void vscode.window.showErrorMessage(`Stride: ${path.basename(doc.uri.fsPath)} has no model named '${model}'.`);
  if (names.length === 0) return void vscode.window.showInformationMessage('Stride: this file declares no model to train.');
  if (names.length === 1) return names[0];
  const trained = names.filter((n) => new RegExp(`^[ \\t]*train[ \\t]+${n}\\b`, 'm').test(doc.getText()));
  return vscode.window.showQuickPick(trained.length === 1 ? [trained[0], ...names.filter((n) => n !== trained[0])] : names, { title: 'Stride: which model?' });
}

export async function targetDocument(uri: string | vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
  if (uri) return vscode.workspace.openTextDocument(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri);
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId === 'stride') return editor.document;
  void vscode.window.showInformationMessage('Stride: open a .stride file to train one of its models.');
  return undefined;
}

/** The open training panel of a document's model, if any. */
export function trainingPanelFor(uri: string, model: string): TrainingPanel | undefined {
  return panels.get(keyOf({ uri, model }));
}

/** Opens (or reveals) the training panel for a model of a document; `autoStart` starts training at once. */
export async function openTrainingPanel(
  context: vscode.ExtensionContext,
  uri?: string | vscode.Uri,
  model?: string,
  options: { autoStart?: boolean } = {},
): Promise<TrainingPanel | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const name = await chooseModel(doc, model);
  if (!name) return undefined;
  if (!isSafeModelName(name)) return void vscode.window.showErrorMessage(`Stride: model name '${name}' cannot name a weights folder.`);
  const state = { uri: doc.uri.toString(), model: name };
  const existing = panels.get(keyOf(state));
  if (existing) {
    existing.reveal(options.autoStart ?? false);
    return existing;
  }
  const panel = vscode.window.createWebviewPanel(TRAINING_VIEW_TYPE, `Train ${name}`, vscode.ViewColumn.Beside, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
  });
  return new TrainingPanel(context, panel, state, options.autoStart ?? false);
}

function isPanelState(v: unknown): v is PanelState {
  const o = v as PanelState | undefined;
  return typeof o === 'object' && o !== null && typeof o.uri === 'string' && typeof o.model === 'string' && isSafeModelName(o.model);
}

/** Restores panels after a reload; the page then offers to resume from the stored checkpoint. */
export function registerTrainingSerializer(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(TRAINING_VIEW_TYPE, {
    async deserializeWebviewPanel(panel, state: unknown) {
      if (!isPanelState(state)) {
        panel.dispose();
        return;
      }
      new TrainingPanel(context, panel, state, false);
    },
  });
}

/** Jumps to a layer's activations in the open training panel (from the architecture preview). */
export async function showActivations(layer: string, uri?: string, model?: string): Promise<boolean> {
  const panel = [...panels.values()].find((p) => (!uri || p.state.uri === uri) && (!model || p.state.model === model));
  if (!panel) return false;
  panel.panel.reveal(undefined, true);
  return panel.post({ type: 'showActivations', layer });
}

/** `stride.runOnImage`: predicts with the saved weights and shows the top classes. */
export async function runModelOnImage(context: vscode.ExtensionContext, uri?: string, model?: string, file?: string): Promise<Prediction | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const name = await chooseModel(doc, model);
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
  const panel = await openTrainingPanel(context, doc.uri, name);
  if (!panel) return undefined;
  const prediction = await panel.predictFile(image);
  const top = prediction.top.slice(0, 3).map((t) => `${t.label} ${(t.probability * 100).toFixed(1)}%`);
  void vscode.window.showInformationMessage(`Stride: ${path.basename(image)} → ${top.join(', ')}`);
  return prediction;
}

/** Registers `stride.runOnImage` and `stride.showActivations` (the preview's jump to a layer). */
export function registerTrainingCommands(context: vscode.ExtensionContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('stride.runOnImage', (uri?: unknown, model?: unknown, file?: unknown) =>
      runModelOnImage(context, asString(uri), asString(model), asString(file)),
    ),
    vscode.commands.registerCommand('stride.showActivations', (layer?: unknown, uri?: unknown, model?: unknown) =>
      typeof layer === 'string' ? showActivations(layer, asString(uri), asString(model)) : false,
    ),
  ];
}

const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : v instanceof vscode.Uri ? v.toString() : undefined);
