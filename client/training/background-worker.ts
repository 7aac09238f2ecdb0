// The background training worker (bundled as dist/train-worker.js for worker_threads): runs the Node trainer, reports typed messages.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parentPort, type MessagePort } from 'node:worker_threads';
import type { BackgroundBatch } from '../../protocol/training';
import { checkToWorker, type EpochSummary, type FromWorker, type RunSummary, type WorkerStart } from '../../protocol/train-worker';
import { TrainControl } from '../../train/control';
import { useWasmBinariesBeside } from '../../train/node/backends/shipped-wasm';
import { runTraining, type ProgressEvent, type RunResult } from '../../train/node/run';
import type { BatchProgress, EpochProgress } from '../../train/trainer';
import { MODEL_JSON, WEIGHTS_BIN, writeFolderAtomically } from '../../train/node/saved-files';

/** Batches are reported at most this often (plus the last of each epoch): enough for charts, cheap for the host. */
const BATCH_INTERVAL_MS = 100;

const finiteOrNull = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

function batchOf(p: BatchProgress): BackgroundBatch {
  return {
    epoch: p.epoch,
    epochs: p.epochs,
    batch: p.batch,
    batches: p.batches,
    loss: finiteOrNull(p.loss),
    accuracy: finiteOrNull(p.metrics.accuracy),
    samplesPerSecond: finiteOrNull(p.samplesPerSecond) ?? 0,
    etaSeconds: p.etaSeconds >= 0 ? finiteOrNull(p.etaSeconds) : null,
    lr: finiteOrNull(p.lr),
  };
}

function epochOf(p: EpochProgress): EpochSummary {
  return {
    epoch: p.epoch,
    epochs: p.epochs,
    loss: p.loss,
    accuracy: finiteOrNull(p.metrics.accuracy),
    valLoss: finiteOrNull(p.valLoss),
    valAccuracy: finiteOrNull(p.valMetrics?.accuracy),
    seconds: finiteOrNull(p.seconds) ?? 0,
    samplesPerSecond: finiteOrNull(p.samplesPerSecond) ?? 0,
  };
}

/** Copies the run's weights to the panel's folder with the same atomic swap, so the panel and `stride predict` both see them. */
function publish(weightsDir: string, panelDir: string): string {
  const files = { [MODEL_JSON]: fs.readFileSync(path.join(weightsDir, MODEL_JSON)), [WEIGHTS_BIN]: fs.readFileSync(path.join(weightsDir, WEIGHTS_BIN)) };
  writeFolderAtomically(panelDir, files);
  return panelDir;
}

function summaryOf(r: RunResult, panelDir: string | null): RunSummary {
  const last = r.history[r.history.length - 1];
  return {
    status: r.status,
    reason: r.reason ?? null,
    model: r.model,
    backend: r.backend,
    // A diverged epoch has no finite loss: it is no evaluation to show.
    final: last && Number.isFinite(last.loss) ? epochOf(last) : null,
    epochsDone: r.history.length,
    weightsDir: r.weightsDir ?? null,
    panelDir,
    metricsLog: r.metricsLog,
  };
}

class TrainingWorker {
  private readonly control = new TrainControl();
  private started = false;
  private lastBatch = 0;

  constructor(private readonly port: MessagePort) {
    port.on('message', (raw: unknown) => this.receive(raw));
  }

  private send(m: FromWorker): void {
    this.port.postMessage(m);
  }

  /** Validates every message: a bad start is fatal (there is nothing to run), a bad control message is ignored. */
  private receive(raw: unknown): void {
    const checked = checkToWorker(raw);
    if (!checked.ok) {
      if (this.started) return this.send({ type: 'warning', message: `The training worker ignored an invalid message: ${checked.error}.` });
      return this.finish({ type: 'error', message: `The training worker refused its start message: ${checked.error}.` });
    }
    const m = checked.value;
    switch (m.type) {
      case 'start':
        if (this.started) return this.send({ type: 'warning', message: 'The training worker is already running; a second start was ignored.' });
        this.started = true;
        return void this.run(m.options);
      case 'stop':
        this.control.requestCheckpoint(); // the run's state where it stops, so it can resume there
        return this.control.stop();
      case 'pause':
        return this.control.pause();
      case 'resume':
        return this.control.resume();
    }
  }

  private async run(o: WorkerStart): Promise<void> {
    try {
      useWasmBinariesBeside(__dirname); // the packaged extension ships them beside this bundle
      const result = await runTraining({
        model: o.training,
        file: o.file,
        outDir: o.outDir,
        epochs: o.epochs ?? undefined,
        batch: o.batch ?? undefined,
        limit: o.limit ?? undefined,
        backend: o.backend,
        threads: o.threads ?? undefined,
        cacheDir: o.cacheDir ?? undefined,
        control: this.control,
        onProgress: (e) => this.progress(e),
        warn: (message) => this.send({ type: 'warning', message }),
      });
      const panelDir = result.weightsDir && o.panelDir ? publish(result.weightsDir, o.panelDir) : null;
      if (panelDir) this.send({ type: 'saved', dir: panelDir });
      this.finish({ type: 'done', result: summaryOf(result, panelDir) });
    } catch (e) {
      this.finish({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }

  private progress(e: ProgressEvent): void {
    switch (e.type) {
      case 'backend':
        return this.send({ type: 'backend', description: e.description });
      case 'download': {
        const { file, received, total } = e.progress;
        const amount = total ? `${Math.round((100 * received) / total)}%` : `${Math.round(received / 1024)} KiB`;
        return this.send({ type: 'status', message: `Downloading ${file}: ${amount}` });
      }
      case 'load':
        return this.send({ type: 'status', message: `Loading images: ${e.loaded} / ${e.total}` });
      case 'data':
        return this.send({ type: 'data', name: e.name, samples: e.samples, classes: [...e.classes] });
      case 'batch': {
        const now = Date.now();
        const p = e.progress;
        if (now - this.lastBatch < BATCH_INTERVAL_MS && p.batch !== 1 && p.batch !== p.batches) return;
        this.lastBatch = now;
        return this.send({ type: 'batch', progress: batchOf(p) });
      }
      case 'epoch':
        return this.send({ type: 'epoch', progress: epochOf(e.progress) });
      case 'saved':
        return this.send({ type: 'saved', dir: e.dir });
      case 'results':
        return this.send({ type: 'results', results: e.results });
    }
  }

  /** The last message; closing the port lets the thread exit once the trainer has let go. */
  private finish(m: FromWorker): void {
    this.send(m);
    this.port.close();
  }
}

if (!parentPort) throw new Error('The Stride training worker runs only as a worker thread.');
new TrainingWorker(parentPort);
