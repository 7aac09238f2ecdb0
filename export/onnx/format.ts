// The `onnx` export format: one .onnx file (opset 17) with the weights embedded, channels-last at its boundary.

import { defaultRegistry } from '../../core/model/layers';
import type { ExportFormat } from '../formats';
import type { KindSupport } from '../refusal';
import { emitterOf } from './emit';
import { exportOnnx } from './export';

/** Kinds whose emitter refuses some argument values; the rest of the kind is exact. */
const PARTIAL: Readonly<Record<string, string>> = {
  lrn: 'odd window sizes only: ONNX LRN centres an even window one channel later than Stride',
  simple_rnn: 'activations Tanh, Relu, Sigmoid, Softsign and Softplus only (the ONNX RNN operator names them)',
  lstm: 'activations Tanh, Relu, Sigmoid, Softsign and Softplus only (the ONNX LSTM operator names them)',
  gru: 'activations Tanh, Relu, Sigmoid, Softsign and Softplus only (the ONNX GRU operator names them)',
  batchnorm: 'the channel axis only',
  layernorm: 'the last axis only',
};

/** Lowered away before export: `split` becomes one slice per part. */
const LOWERED = new Set(['input', 'split']);

export function onnxSupport(kind: string): KindSupport {
  if (LOWERED.has(kind)) return { status: 'exact' };
  if (!defaultRegistry.get(kind) || !emitterOf(kind)) return { status: 'refused', note: 'no ONNX translation' };
  return PARTIAL[kind] ? { status: 'note', note: PARTIAL[kind] } : { status: 'exact' };
}

export const onnxFormat: ExportFormat = {
  name: 'onnx',
  summary: 'ONNX model (opset 17) with the weights embedded, NHWC inputs and outputs',
  suffix: '.onnx',
  async run(job) {
    const weights = await job.weights();
    const data = exportOnnx(job.model, weights.weights, job.analysis.text, { logits: job.logits });
    const from = weights.from ? `weights from ${weights.from}` : 'seeded initial weights (no --weights given)';
    return { files: [{ path: '', data }], notes: [`ONNX opset 17 with ${from}`] };
  },
  support: onnxSupport,
};
