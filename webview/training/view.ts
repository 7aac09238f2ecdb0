// The panel's DOM: header, notes, run controls, live statistics, the charts and the activations area.

import type { EpochRecord } from '../../protocol/training-payloads';
import type { TrainingModel } from '../../protocol/training-model';
import type { Dataset } from '../../train/data/dataset';
import { augmentedSamples, drawAugmentGrid } from './augment-grid';
import { LineChart, type Series } from './charts';
import { button, el } from './dom';

export type Action =
  | 'train'
  | 'pause'
  | 'resume'
  | 'stop'
  | 'save'
  | 'loadSaved'
  | 'resumeCheckpoint'
  | 'trainTorch'
  | 'showSample'
  | 'randomSample'
  | 'pickImage'
  | 'augmentSamples';

const series = (label: string): Series => ({ label, xs: [], ys: [] });

export class PanelView {
  readonly title = el('h2', { text: 'Stride training' });
  readonly backend = el('div', { className: 'note', attrs: { id: 'backend' }, text: 'Backend: starting…' });
  readonly notes = el('div', { attrs: { id: 'notes' } });
  readonly buttons: Record<Action, HTMLButtonElement>;
  readonly stats = el('div', { className: 'stats', attrs: { id: 'stats' } });
  readonly batchLoss = series('train');
  readonly batchAcc = series('train (running)');
  readonly batchLr = series('learning rate');
  readonly epochLoss = [series('train'), series('validation')];
  readonly epochAcc = [series('train'), series('validation')];
  readonly charts: LineChart[];
  readonly sampleIndex = el('input', { attrs: { id: 'sample-index', type: 'number', min: '0', value: '0' } });
  readonly activations = el('div', { attrs: { id: 'activations' } });
  /** Filled after a completed run (results-view.ts), emptied when the next one starts. */
  readonly results = el('div', { attrs: { id: 'results' } });
  /** The grid of augmented training samples (augment-grid.ts), drawn on request. */
  readonly augmented = el('div', { attrs: { id: 'augmented' } });
  private readonly fields = new Map<string, HTMLElement>();

  constructor(root: HTMLElement, act: (a: Action) => void) {
    const b = (a: Action, label: string) => button(label, () => act(a), `btn-${a}`);
    this.buttons = {
      train: b('train', 'Train'),
      pause: b('pause', 'Pause'),
      resume: b('resume', 'Resume'),
      stop: b('stop', 'Stop'),
      save: b('save', 'Save weights'),
      loadSaved: b('loadSaved', 'Train from saved weights'),
      resumeCheckpoint: b('resumeCheckpoint', 'Resume from checkpoint'),
      trainTorch: b('trainTorch', 'Train with PyTorch…'),
      showSample: b('showSample', 'Show activations'),
      randomSample: b('randomSample', 'Random sample'),
      pickImage: b('pickImage', 'Image file…'),
      augmentSamples: b('augmentSamples', 'Show augmented samples'),
    };
    for (const k of ['stop', 'loadSaved', 'resumeCheckpoint', 'trainTorch', 'randomSample', 'pickImage', 'augmentSamples'] as const)
      this.buttons[k].classList.add('secondary');
    this.charts = [
      new LineChart('Loss per batch', [this.batchLoss], 'batch', 'chart-batch-loss'),
      new LineChart('Accuracy per batch', [this.batchAcc], 'batch', 'chart-batch-acc'),
      new LineChart('Learning rate per batch', [this.batchLr], 'batch', 'chart-batch-lr'),
      new LineChart('Loss per epoch', this.epochLoss, 'epoch', 'chart-epoch-loss'),
      new LineChart('Accuracy per epoch', this.epochAcc, 'epoch', 'chart-epoch-acc'),
    ];
    const bt = this.buttons;
    const controls = el('div', {}, bt.train, bt.pause, bt.resume, bt.stop, bt.save, bt.loadSaved, bt.resumeCheckpoint, bt.trainTorch);
    const sampleBar = el('div', {}, el('label', { text: 'Validation sample ' }), this.sampleIndex, bt.showSample, bt.randomSample, bt.pickImage);
    for (const f of ['state', 'epoch', 'batch', 'loss', 'accuracy', 'lr', 'throughput', 'remaining', 'tensors', 'memory']) {
      const value = el('b', { text: '–', attrs: { id: `stat-${f}` } });
      this.fields.set(f, value);
      this.stats.appendChild(el('span', { text: `${f}: ` }, value));
    }
    const charts = el('div', { className: 'charts' }, ...this.charts.map((c) => c.root));
    const activations = [el('h2', { text: 'Activations' }), sampleBar, this.activations];
    const augmented = el('div', {}, bt.augmentSamples, this.augmented);
    root.replaceChildren(this.title, this.backend, this.notes, controls, this.stats, augmented, charts, this.results, ...activations);
  }

  /** One batch on the per-batch charts: loss, running accuracy and learning rate at step `x`. */
  addBatchPoint(x: number, loss: number, accuracy: number, lr: number): void {
    for (const [series, y] of [
      [this.batchLoss, loss],
      [this.batchAcc, accuracy],
      [this.batchLr, lr],
    ] as const) {
      series.xs.push(x);
      series.ys.push(y);
    }
  }

  set(field: string, text: string): void {
    const f = this.fields.get(field);
    if (f) f.textContent = text;
  }

  /** Shows a note; notes with the same key replace each other (so a status does not pile up). */
  note(key: string, level: 'info' | 'warning' | 'error', text: string): void {
    const id = `note-${key}`;
    const existing = this.notes.querySelector<HTMLElement>(`[data-key="${key}"]`);
    const note = existing ?? el('div', { attrs: { 'data-key': key, id } });
    note.className = `note ${level}`;
    note.textContent = text;
    if (!existing) this.notes.appendChild(note);
  }

  clearNote(key: string): void {
    this.notes.querySelector(`[data-key="${key}"]`)?.remove();
  }

  enable(enabled: Partial<Record<Action, boolean>>): void {
    for (const [k, v] of Object.entries(enabled)) this.buttons[k as Action].disabled = !v;
  }

  /** Empties the charts and the previous run's results, for a new run. */
  resetCharts(): void {
    for (const s of [this.batchLoss, this.batchAcc, this.batchLr, ...this.epochLoss, ...this.epochAcc]) {
      s.xs.length = 0;
      s.ys.length = 0;
    }
    this.results.replaceChildren();
  }

  /** Adds one epoch's losses and accuracies (missing values as gaps) to the per-epoch charts; drawing is the caller's. */
  pushEpoch(r: EpochRecord): void {
    const push = (s: Series, y: number | null) => {
      s.xs.push(r.epoch);
      s.ys.push(y ?? NaN);
    };
    push(this.epochLoss[0], r.loss);
    push(this.epochLoss[1], r.valLoss);
    push(this.epochAcc[0], r.accuracy);
    push(this.epochAcc[1], r.valAccuracy);
  }

  /** A few training images, then their first epochs' augmentations, one row each (or a line saying there are none). */
  showAugmented(data: Dataset | undefined, training: TrainingModel | undefined): void {
    if (!data || !training) return;
    const note = training.settings.augment?.length
      ? 'Each row: a training image as loaded, then as epochs 1, 2, 3 augment it.'
      : 'No augment: setting; the images as loaded.';
    this.augmented.replaceChildren(el('div', { className: 'note', text: note }), drawAugmentGrid(augmentedSamples(data, training.settings)));
  }

  drawCharts(): void {
    for (const c of this.charts) c.draw();
  }
}
