// The training panel's controller: turns host messages and button clicks into runs, charts, checkpoints and activation views.

import * as tf from '@tensorflow/tfjs';
import type { BackendChoice, FromWebview, ToWebview } from '../../protocol/training';
import type { CheckpointPayload, EpochRecord, WeightsPayload } from '../../protocol/training-payloads';
import type { TrainState } from '../../protocol/train-state';
import type { TrainingModel } from '../../protocol/training-model';
import type { Dataset } from '../../train/data/dataset';
import { buildModel, tfName } from '../../train/model-builder';
import type { BatchProgress, TrainResult } from '../../train/trainer';
import { highlightLayer, outputClasses, renderActivations, withNormalization, type Sample } from './activations';
import { BackgroundView } from './background-view';
import { chooseBackend, needsBackend, replaceWebglBackend, watchContextLoss, type BackendInfo } from './backend';
import { captureWeights, checkpointPlace, restoreWeights, savedMetadata, topologyJson } from './checkpoint';
import { ChunkedDataset, localDataset } from './data';
import { TrainingRun, type RunStart } from './session';
import { assertNever, enabledButtons, isBusy, isLocalRun, type Status } from './status';
import { showBatchReadout } from './readout';
import { resultsSection } from './results-view';
import { Throughput } from './telemetry';
import { PanelView, type Action } from './view';

export interface Host {
  post(message: FromWebview): void;
  setState(state: { uri: string; model: string }): void;
}

export type { Status };
type Init = Extract<ToWebview, { type: 'init' }>;

export class TrainingApp {
  status: Status = 'starting';
  backend: BackendInfo | undefined;
  /** The model the host sent, lowered from the same analysis as its diagnostics. */
  training: TrainingModel | undefined;
  data: Dataset | undefined;
  run: TrainingRun | undefined;
  /** tf.memory().numTensors after each epoch: flat when nothing leaks. */
  readonly epochTensors: number[] = [];
  readonly batchLosses: number[] = [];
  lastPrediction: string | undefined;
  private init: Init | undefined;
  private chunks: ChunkedDataset | undefined;
  private checkpoint: CheckpointPayload | null = null;
  private saved: WeightsPayload | null = null;
  private viewModel: tf.LayersModel | undefined;
  private unwatch: () => void = () => undefined;
  private readonly throughput = new Throughput();
  private lastDraw = 0;
  readonly view: PanelView;
  readonly background: BackgroundView;

  constructor(
    root: HTMLElement,
    private readonly host: Host,
  ) {
    this.view = new PanelView(root, (a) => void this.act(a).catch((e) => this.fail(e)));
    this.background = new BackgroundView(this.view);
    this.refreshButtons();
  }

  async startBackend(choice?: BackendChoice): Promise<void> {
    this.backend = await chooseBackend(choice);
    this.view.backend.textContent = this.backend.note;
    this.view.backend.className = `note ${this.backend.slow ? 'warning' : 'info'}`;
  }

  /** Dispatches a validated host message; the switch is exhaustive over the protocol. */
  async receive(m: ToWebview): Promise<void> {
    switch (m.type) {
      case 'init':
        return this.load(m);
      case 'showActivations':
        return this.showActivations(m.layer);
      case 'dataStart':
        this.chunks = new ChunkedDataset(m.header);
        return this.view.note('data', 'info', `Loading ${m.header.name}: 0%`);
      case 'dataChunk':
        if (!this.chunks) throw new Error('A data chunk arrived before its data set was announced.');
        this.chunks.add(m.split, m.offset, m.images, m.labels);
        return this.view.note('data', 'info', `Loading ${this.chunks.header.name}: ${Math.round(this.chunks.progress * 100)}%`);
      case 'dataEnd':
        return this.dataReady();
      case 'dataError':
        this.status = 'error';
        this.view.note('data', 'error', m.message);
        return this.refreshButtons();
      case 'image':
        return this.showSample({ label: m.name, shape: m.shape, pixels: Float32Array.from(m.pixels, (v) => v / 255) });
      case 'saved':
        return this.view.note('saved', 'info', `Weights saved to ${m.path}`);
      case 'askImage':
        return this.act('pickImage');
      case 'error':
        return this.view.note('host', 'error', m.message);
      case 'backgroundStart':
      case 'backgroundPaused':
      case 'backgroundBatch':
      case 'backgroundEpoch':
      case 'backgroundEnd':
      case 'backgroundResults':
        return this.onBackground(m);
      default:
        return assertNever(m);
    }
  }

  /** A background run's metrics go to the charts unless the page runs its own (then they are not mixed in). */
  private onBackground(m: Extract<ToWebview, { type: `background${string}` }>): void {
    if (isLocalRun(this.status))
      return this.view.note('background', 'warning', 'A background run of this model is under way; its metrics are not shown while this panel trains.');
    if (m.type === 'backgroundStart') {
      this.status = 'background';
      this.background.start(m);
      return this.refreshButtons();
    }
    if (this.status !== 'background') return;
    if (m.type === 'backgroundPaused') {
      this.background.setPaused(m.paused);
      return this.refreshButtons();
    }
    if (m.type !== 'backgroundEnd') return this.background.update(m);
    this.status = m.status === 'completed' ? 'finished' : m.status;
    this.background.end(m);
    this.refreshButtons();
  }

  private async load(m: Init): Promise<void> {
    if (isBusy(this.status)) return this.view.note('busy', 'warning', 'A run is in progress; stop it before reloading the model.');
    if (needsBackend(m.backend)) await this.startBackend(m.backend);
    this.init = m;
    this.saved = m.saved;
    this.checkpoint = m.checkpoint;
    this.host.setState({ uri: m.uri, model: m.model });
    this.view.title.textContent = `Training ${m.model}`;
    const training = m.training;
    this.training = training;
    this.disposeViewModel();
    const inputShape = training.nodes[training.inputs[0]]?.shape ?? [];
    this.data = localDataset(training.settings, inputShape) ?? undefined;
    this.labelCheckpoint();
    if (this.data) return this.dataReady(m.autoStart);
    this.status = 'loading';
    this.refreshButtons();
    const spec = training.settings.data;
    if (spec.kind === 'shapes') throw new Error('The shapes data set is drawn in the page.');
    const [h, w, c] = inputShape;
    if (inputShape.length !== 3 || !h || !w || !c) throw new Error(`Data set ${spec.kind} needs a model input of fixed (height, width, channels).`);
    this.host.post({ type: 'requestData', model: m.model, spec, inputShape: [h, w, c] });
  }

  private async dataReady(autoStart = this.init?.autoStart ?? false): Promise<void> {
    if (this.chunks) this.data = this.chunks.finish();
    this.chunks = undefined;
    this.view.clearNote('data');
    this.status = 'ready';
    this.refreshButtons();
    if (this.data && this.training) this.view.sampleIndex.max = String(this.sampleSet().count - 1);
    // With an `augment:` setting the panel shows what augmentation does before anything trains.
    if (this.training?.settings.augment?.length) this.view.showAugmented(this.data, this.training);
    if (autoStart) await this.start(this.init?.startFrom?.weights ?? null, 0, []);
  }

  private async act(a: Action): Promise<void> {
    switch (a) {
      case 'train':
        return this.start(this.init?.startFrom?.weights ?? null, 0, []);
      case 'loadSaved':
        return this.start(this.saved, 0, []);
      case 'resumeCheckpoint':
        return this.checkpoint ? this.start(this.checkpoint.weights, this.checkpoint.epoch, this.checkpoint.history, this.checkpoint.state) : undefined;
      case 'pause':
        if (this.status === 'background') return this.host.post({ type: 'pauseBackground' });
        this.run?.control.pause();
        this.status = 'paused';
        this.run?.requestCheckpoint();
        return this.refreshButtons();
      case 'resume':
        if (this.status === 'background') return this.host.post({ type: 'resumeBackground' });
        this.run?.control.resume();
        this.status = 'training';
        return this.refreshButtons();
      case 'trainTorch':
        return this.host.post({ type: 'trainWithTorch' });
      case 'stop':
        return this.status === 'background' ? this.host.post({ type: 'stopBackground' }) : this.run?.stop();
      case 'save':
        return this.save();
      case 'showSample':
        return this.showActivations(null);
      case 'randomSample':
        this.view.sampleIndex.value = String(Math.floor(Math.random() * this.sampleSet().count));
        return this.showActivations(null);
      case 'pickImage':
        return this.host.post({ type: 'pickImage', shape: this.inputShape() });
      case 'augmentSamples':
        return this.view.showAugmented(this.data, this.training);
      default:
        return assertNever(a);
    }
  }

  /** Starts a run from the given weights (null: seeded initialisation), after `doneEpochs` already trained. */
  private async start(weights: WeightsPayload | null, doneEpochs: number, history: readonly EpochRecord[], state?: TrainState): Promise<void> {
    if (!this.training || !this.data || isBusy(this.status)) return;
    this.run?.dispose();
    this.run = undefined;
    this.disposeViewModel();
    this.view.resetCharts();
    this.batchLosses.length = 0;
    for (const r of history) this.view.pushEpoch(r);
    for (const key of ['result', 'busy', 'saved']) this.view.clearNote(key);
    const begin: RunStart = { training: this.training, data: this.data, weights, doneEpochs, history, state };
    // Callbacks of an abandoned run (after a context loss) must not touch the new run's charts or checkpoint.
    const live = () => this.run === run;
    const run: TrainingRun = new TrainingRun(begin, {
      onBatch: (p, offset) => live() && this.onBatch(p, offset),
      onEpoch: (r) => {
        if (!live()) return;
        this.view.pushEpoch(r);
        this.epochTensors.push(tf.memory().numTensors);
        this.view.drawCharts();
      },
      onCheckpoint: (c) => {
        if (!live()) return;
        this.checkpoint = c;
        this.labelCheckpoint();
        this.host.post({ type: 'checkpoint', checkpoint: c });
      },
    });
    this.run = run;
    // After a context loss the trainer's pending GPU read never settles: the run is abandoned, not awaited.
    const lost = new Promise<'lost'>((resolve) => (this.unwatch = watchContextLoss(() => (this.onContextLost(), resolve('lost')))));
    this.status = 'training';
    this.throughput.reset();
    this.refreshButtons();
    this.host.post({ type: 'runStarted' });
    const outcome = await Promise.race([
      run.run().then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      ),
      lost,
    ]);
    this.unwatch();
    if (outcome === 'lost') return this.recover();
    if ('error' in outcome) {
      this.host.post({ type: 'runEnded', reason: 'error', epoch: run.history.length, loss: null });
      return this.fail(outcome.error);
    }
    this.finish(outcome.result);
  }

  private onBatch(p: BatchProgress, offset: number): void {
    const batch = this.training?.settings.batch ?? 0;
    const x = (p.epoch - 1) * p.batches + p.batch;
    this.batchLosses.push(p.loss);
    this.view.addBatchPoint(x, p.loss, p.metrics.accuracy ?? NaN, p.lr);
    this.throughput.mark(performance.now() / 1000, x * batch);
    showBatchReadout(this.view, this.status, p, offset, this.throughput.rate() ?? p.samplesPerSecond);
    if (performance.now() - this.lastDraw > 150) {
      this.lastDraw = performance.now();
      this.view.drawCharts();
    }
  }

  private finish(result: TrainResult): void {
    const run = this.run!;
    const epoch = run.history.length;
    const loss = this.batchLosses.length ? this.batchLosses[this.batchLosses.length - 1] : null;
    this.view.drawCharts();
    if (result.status === 'diverged') {
      this.status = 'diverged';
      const text = `Training stopped: ${result.reason ?? 'the loss is not a finite number.'} The weights were not saved.`;
      this.view.note('result', 'error', text);
      this.host.post({ type: 'notify', level: 'error', message: text });
      this.host.post({ type: 'runEnded', reason: 'nan', epoch, loss: null });
    } else {
      this.status = result.status === 'completed' ? 'finished' : 'stopped';
      const done = result.status === 'completed' ? 'Training finished' : 'Training stopped; the weights trained so far are kept';
      this.view.note('result', 'info', `${done} after ${epoch} epoch(s).`);
      if (result.status === 'completed') this.save();
      if (result.evaluation && this.data) this.view.results.replaceChildren(...resultsSection(result.evaluation.results, this.data));
      this.host.post({
        type: 'runEnded',
        reason: result.status === 'completed' ? 'finished' : 'stopped',
        epoch,
        loss: loss !== null && Number.isFinite(loss) ? loss : null,
      });
    }
    this.view.set('state', this.status);
    this.refreshButtons();
  }

  private onContextLost(): void {
    this.run?.control.stop();
    const from = this.checkpoint ? `the checkpoint at ${checkpointPlace(this.checkpoint)}` : 'the start';
    this.view.note(
      'context',
      'warning',
      `The WebGL context was lost (the GPU was reset or reclaimed). Training stops and resumes from ${from}, so no garbage is trained.`,
    );
    this.host.post({ type: 'notify', level: 'warning', message: `Stride: the WebGL context of the training panel was lost; resuming from ${from}.` });
  }

  /** A fresh WebGL backend, a rebuilt model and the last checkpoint's weights; results after the checkpoint are discarded. */
  private async recover(): Promise<void> {
    this.status = 'recovering';
    this.view.set('state', this.status);
    this.run?.dispose();
    this.run = undefined;
    this.backend = await replaceWebglBackend();
    this.view.backend.textContent = `${this.backend.note} Restarted after the WebGL context was lost.`;
    this.status = 'ready';
    const c = this.checkpoint;
    await (c ? this.start(c.weights, c.epoch, c.history, c.state) : this.start(this.init?.startFrom?.weights ?? null, 0, []));
  }

  private save(): void {
    const model = this.run?.model;
    if (!model || !this.training || !this.data) return;
    this.host.post({
      type: 'saveWeights',
      model: this.training.name,
      topology: topologyJson(model),
      weights: captureWeights(model),
      metadata: savedMetadata(this.training, this.data, this.inputShape(), this.run!.history.length),
    });
  }

  /** The model's image input size (known before any data arrives), else the data's. */
  private inputShape(): [number, number, number] {
    const a = this.training;
    const declared = a ? a.nodes[a.inputs[0]]?.shape : undefined;
    const shape = declared && declared.length === 3 && declared.every((d) => d !== null) ? (declared as number[]) : (this.data?.shape ?? [32, 32, 1]);
    return [shape[0], shape[1], shape[2]];
  }

  /** Validation samples come from the held-out test split when there is one, else from the training images. */
  private sampleSet(): Dataset['train'] {
    return this.data!.test ?? this.data!.train;
  }

  private async showActivations(layer: string | null): Promise<void> {
    if (!this.data || !this.training) return this.view.note('activations', 'warning', 'Load a model first.');
    const set = this.sampleSet();
    const i = Math.min(set.count - 1, Math.max(0, Math.floor(Number(this.view.sampleIndex.value) || 0)));
    const size = this.data.shape[0] * this.data.shape[1] * this.data.shape[2];
    const scale = set.images instanceof Uint8Array ? 1 / 255 : 1;
    const pixels = Float32Array.from(set.images.subarray(i * size, (i + 1) * size), (v) => v * scale);
    await this.showSample({ label: `Sample ${i}`, shape: this.inputShape(), pixels, truth: this.data.classes[set.labels[i]] });
    if (layer !== null && !highlightLayer(this.view.activations, layer, tfName))
      this.view.note('activations', 'warning', `No layer '${layer}' in the activations.`);
  }

  private async showSample(sample: Sample): Promise<void> {
    const model = this.activationModel();
    if (!model) return;
    const classes = outputClasses(model, this.data?.classes ?? []);
    const top = await renderActivations(this.view.activations, model, withNormalization(sample, this.training, this.data), classes);
    this.lastPrediction = top[0]?.label;
    this.view.clearNote('activations');
    this.host.post({ type: 'prediction', name: sample.label, top });
  }

  /** The trained (or training) model; before any run, a fresh one with the saved weights if there are some. */
  private activationModel(): tf.LayersModel | undefined {
    if (this.run) return this.run.model;
    if (this.viewModel || !this.training) return this.viewModel;
    this.viewModel = buildModel(this.training, { seed: this.training.settings.seed });
    if (this.saved) restoreWeights(this.viewModel, this.saved);
    else this.view.note('activations', 'warning', 'The model is untrained: these are the activations of its initial weights.');
    return this.viewModel;
  }

  private disposeViewModel(): void {
    this.viewModel?.dispose();
    this.viewModel = undefined;
  }

  private labelCheckpoint(): void {
    const c = this.checkpoint;
    this.view.buttons.resumeCheckpoint.textContent = c ? `Resume from checkpoint (${checkpointPlace(c)})` : 'Resume from checkpoint';
  }

  private refreshButtons(): void {
    const facts = { hasData: !!this.data, hasSaved: !!this.saved, hasCheckpoint: !!this.checkpoint, hasRun: !!this.run };
    this.view.enable(enabledButtons(this.status, { ...facts, backgroundPaused: this.background.paused, backgroundCanPause: this.background.canPause }));
    this.view.set('state', this.status === 'background' && this.background.paused ? 'background, paused' : this.status);
  }

  fail(e: unknown): void {
    this.status = 'error';
    const message = e instanceof Error ? e.message : String(e);
    this.view.note('error', 'error', message);
    this.host.post({ type: 'notify', level: 'error', message: `Stride training: ${message}` });
    this.refreshButtons();
  }
}
