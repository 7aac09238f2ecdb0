// A background run (Stride: Train in Background) seen from the panel: its metrics fill the charts, and a note says whose they are.

import type { BackgroundBatch, ToWebview } from '../../protocol/training';
import type { EpochRecord } from '../../protocol/training-payloads';
import type { RunResults } from '../../protocol/run-results';
import type { Dataset } from '../../train/data/dataset';
import { resultsSection } from './results-view';
import { formatDuration } from './telemetry';
import type { PanelView } from './view';

type Start = Extract<ToWebview, { type: 'backgroundStart' }>;
type End = Extract<ToWebview, { type: 'backgroundEnd' }>;

/** Charts are redrawn at most this often while batches stream in. */
const DRAW_MS = 150;

export class BackgroundView {
  /** Batches drawn from the background run so far (tests read it). */
  points = 0;
  /** The run is paused (its Pause and Resume buttons follow this). */
  paused = false;
  /** The run can pause (a `stride train` process cannot: Pause stays disabled). */
  canPause = true;
  private lastDraw = 0;

  constructor(private readonly view: PanelView) {}

  /** Starts the charts afresh with the run so far (a panel may open in the middle of a run). */
  start(m: Start): void {
    this.view.resetCharts();
    this.points = 0;
    for (const b of m.batches) this.plotBatch(b);
    for (const r of m.history) this.epoch(r, false);
    this.canPause = m.canPause ?? true;
    const stop = this.canPause ? 'Stop ends it after the current batch.' : 'Stop ends it and keeps its weights; it cannot pause.';
    this.view.note('background', 'info', `Training in the background (${m.backend}): the charts show that run. ${stop}`);
    this.setPaused(m.paused);
    this.view.drawCharts();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.view.set('state', paused ? 'background, paused' : 'background');
  }

  batch(p: BackgroundBatch): void {
    this.plotBatch(p);
    const v = this.view;
    v.set('epoch', `${p.epoch} / ${p.epochs}`);
    v.set('batch', `${p.batch} / ${p.batches}`);
    v.set('loss', p.loss === null ? 'not finite' : p.loss.toPrecision(4));
    v.set('accuracy', p.accuracy === null ? '–' : `${(p.accuracy * 100).toFixed(1)}%`);
    v.set('throughput', `${Math.round(p.samplesPerSecond)} samples/s`);
    v.set('remaining', formatDuration(p.etaSeconds));
    // Tensors and memory belong to the page's own backend, not to the worker's.
    v.set('tensors', '–');
    v.set('memory', '–');
    if (performance.now() - this.lastDraw > DRAW_MS) {
      this.lastDraw = performance.now();
      v.drawCharts();
    }
  }

  epoch(r: EpochRecord, draw = true): void {
    this.view.pushEpoch(r);
    if (draw) this.view.drawCharts();
  }

  /** A batch, an epoch, or the finished run's per-class results (drawn as a page run's are). */
  update(m: Extract<ToWebview, { type: 'backgroundBatch' | 'backgroundEpoch' | 'backgroundResults' }>): void {
    if (m.type === 'backgroundBatch') return this.batch(m.progress);
    if (m.type === 'backgroundEpoch') return this.epoch(m.record);
    this.view.results.replaceChildren(...resultsSection(m.results, galleryData(m.results)));
  }

  end(m: End): void {
    const level = m.status === 'completed' || m.status === 'stopped' ? 'info' : m.status === 'diverged' ? 'warning' : 'error';
    this.view.note('background', level, `Background run ${m.status === 'completed' ? 'finished' : m.status}: ${m.message}`);
    this.view.drawCharts();
  }

  private plotBatch(p: BackgroundBatch): void {
    const x = (p.epoch - 1) * p.batches + p.batch;
    this.view.batchLoss.xs.push(x);
    this.view.batchLoss.ys.push(p.loss ?? NaN);
    this.view.batchAcc.xs.push(x);
    this.view.batchAcc.ys.push(p.accuracy ?? NaN);
    this.view.batchLr.xs.push(x);
    this.view.batchLr.ys.push(p.lr ?? NaN);
    this.points++;
  }
}

/** The gallery's images as the data set the results view reads wrong samples from (their indices point into it). */
function galleryData(r: RunResults): Dataset {
  const count = r.wrong.length;
  return { name: 'gallery', shape: r.gallery.shape, classes: r.classes, train: { images: r.gallery.pixels, labels: new Int32Array(count), count } };
}
