// The run's live readout: epoch, batch, loss, accuracy, speed, time left and tfjs memory after each batch.

import * as tf from '@tensorflow/tfjs';
import type { BatchProgress } from '../../train/trainer';
import type { Status } from './status';
import { formatBytes, formatDuration } from './telemetry';
import type { PanelView } from './view';

/** `offset`: epochs done before this run started (a resumed checkpoint), so the epoch count continues. */
export function showBatchReadout(v: PanelView, status: Status, p: BatchProgress, offset: number, samplesPerSecond: number): void {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  v.set('state', status);
  v.set('epoch', `${p.epoch + offset} / ${p.epochs + offset}`);
  v.set('batch', `${p.batch} / ${p.batches}`);
  v.set('loss', p.loss.toPrecision(4));
  v.set('accuracy', p.metrics.accuracy === undefined ? '–' : `${(p.metrics.accuracy * 100).toFixed(1)}%`);
  v.set('lr', String(Number(p.lr.toPrecision(3))));
  v.set('throughput', `${Math.round(samplesPerSecond)} samples/s`);
  v.set('remaining', formatDuration(p.etaSeconds));
  v.set('tensors', String(m.numTensors));
  v.set('memory', `${formatBytes(m.numBytes)}${m.numBytesInGPU !== undefined ? `, GPU ${formatBytes(m.numBytesInGPU)}` : ''}`);
}
