// The training panel on the extension-host side: opens and restores the webview, answers its messages, owns files.

import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BACKEND_CHOICES, checkFromWebview, type BackendChoice, type FromWebview, type ToWebview } from '../../protocol/training';
import { trainingPageHtml } from '../../protocol/training-page';
import { isSafeModelName } from '../../protocol/training-payloads';
import { decodeBytes, encodeBytes } from '../../protocol/wire-bytes';
import { loadImage } from '../../train/node/data/folder';
import { replayMessage } from './background-runs';
import { weightsDir } from '../../train/node/saved-files';
import { feedData } from './data-feed';
import { panelKey, type TrainingHost } from './host';
import { checkpointDir, readCheckpoint, readSavedWeights, removeCheckpoint, saveWeights, writeCheckpoint } from './storage';
import { readInitWeights } from './init-weights';
import type { TrainingModel } from '../../protocol/training-model';
import { requireTrust } from '../trust';

export interface PanelState {
  readonly uri: string;
  readonly model: string;
}

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
    private readonly host: TrainingHost,
    readonly panel: vscode.WebviewPanel,
    readonly state: PanelState,
    autoStart: boolean,
  ) {
    this.autoStart = autoStart;
    panel.title = `Train ${state.model}`;
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(host.extension.extensionUri, 'dist', 'webview')] };
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    host.panels.set(panelKey(state.uri, state.model), this);
  }

  private html(): string {
    const webview = this.panel.webview;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.host.extension.extensionUri, 'dist', 'webview', 'training.js'));
    return trainingPageHtml({ cspSource: webview.cspSource, nonce: crypto.randomBytes(18).toString('base64'), scriptUri: script.toString() });
  }

  private get modelFile(): string {
    return vscode.Uri.parse(this.state.uri).fsPath;
  }

  private get checkpointFolder(): string {
    return checkpointDir(this.host.extension.globalStorageUri.fsPath, this.state.uri, this.state.model);
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
        requireTrust('reading or downloading training data');
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
        return this.backgroundRun()?.stop();
      case 'pauseBackground':
        return this.backgroundRun()?.pause();
      case 'resumeBackground':
        return this.backgroundRun()?.resume();
      case 'trainWithTorch':
        // Through the command (not an import of it): the command module imports this one.
        return void vscode.commands.executeCommand('stride.trainWithTorch', this.state.uri, this.state.model);
      default:
        return assertNever(m);
    }
  }

  private backgroundRun() {
    return this.host.runs.get(this.state.uri, this.state.model);
  }

  /** The model as the language server lowered it from the document's live text; the page parses nothing. */
  private async sendInit(): Promise<void> {
    await vscode.workspace.openTextDocument(vscode.Uri.parse(this.state.uri));
    const lowered = await this.host.lower({ uri: this.state.uri, model: this.state.model });
    if (!lowered) return;
    if (!lowered.training) return void (await this.post({ type: 'error', message: lowered.error ?? `The document has no model named '${this.state.model}'.` }));
    let saved = null;
    try {
      saved = readSavedWeights(weightsDir(this.modelFile, this.state.model), (m) => void vscode.window.showWarningMessage(`Stride: ${m}`));
    } catch (e) {
      void vscode.window.showWarningMessage(`Stride: ${e instanceof Error ? e.message : String(e)}`);
    }
    const checkpoint = readCheckpoint(this.checkpointFolder);
    // A background run of this model owns the charts: the page must not start a second run beside it.
    const background = this.backgroundRun();
    const autoStart = this.autoStart && !background;
    if (this.autoStart && background)
      void vscode.window.showInformationMessage(`Stride: ${this.state.model} is training in the background; the panel shows that run.`);
    this.autoStart = false;
    const startFrom = this.initWeights(lowered.training);
    const backend = trainingBackendSetting();
    await this.post({
      type: 'init',
      uri: this.state.uri,
      model: this.state.model,
      training: lowered.training,
      saved,
      checkpoint,
      autoStart,
      backend,
      ...startFrom,
    });
    if (background) await this.post(replayMessage(background));
  }

  /** The section's `init:` weights for the page; unreadable ones are a warning, and the page starts from the seeded weights. */
  private initWeights(training: TrainingModel): { startFrom?: ReturnType<typeof readInitWeights> } {
    const init = training.settings.fineTune?.init;
    if (init === undefined) return {};
    try {
      return { startFrom: readInitWeights(this.modelFile, init) };
    } catch (e) {
      void vscode.window.showWarningMessage(`Stride: ${e instanceof Error ? e.message : String(e)} The panel trains from the seeded weights.`);
      return {};
    }
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
    if (this.host.panels.get(panelKey(this.state.uri, this.state.model)) === this) this.host.panels.delete(panelKey(this.state.uri, this.state.model));
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function assertNever(x: never): never {
  throw new Error(`Unhandled message ${JSON.stringify(x)}`);
}

/** stride.training.backend, read when the page (re)loads its model; an unknown value is `auto`. */
function trainingBackendSetting(): BackendChoice {
  const v = vscode.workspace.getConfiguration('stride').get<string>('training.backend', 'auto');
  return (BACKEND_CHOICES as readonly string[]).includes(v) ? (v as BackendChoice) : 'auto';
}
