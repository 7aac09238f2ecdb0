// One latency measurement in a fresh process: batch-1 forward passes of one net, by Stride's Node backend (the
// calls `stride predict` makes) or by onnxruntime-node, one thread each.
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type * as Ort from 'onnxruntime-node';
import { selectBackend } from '../../train/node/backends/select';
import { loadInferenceModel } from '../../train/node/inference-model';
import { analysedExample, logitModel } from './models';

export type Runtime = 'stride' | 'onnxruntime';

/** What the worker is asked to measure (argv as JSON, so parent and worker share one shape). */
export interface InferJob {
  runtime: Runtime;
  file: string;
  weightsDir: string;
  onnxFile: string;
  inputFile: string;
  inputShape: number[];
  warmup: number;
  runs: number;
}

export interface InferResult {
  description: string;
  /** The output of the first forward pass, compared by the parent with the other runtime's. */
  output: number[];
  /** Wall-clock milliseconds of each timed run, and process CPU milliseconds of each. */
  wallMs: number[];
  cpuMs: number[];
  peakRssMb: number;
}

type Forward = () => Promise<Float32Array>;

function emit(event: object): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

/** Stride: the model `stride predict` loads (saved weights, batch norms folded), then predict's per-call work. */
async function strideForward(job: InferJob, input: Float32Array): Promise<{ forward: Forward; description: string }> {
  const chosen = await selectBackend({ warn: () => undefined });
  const { model, folded } = loadInferenceModel(logitModel(analysedExample(job.file).model), job.weightsDir);
  const forward = async () => {
    const out = tf.tidy(() => model.predict(tf.tensor4d(input, job.inputShape as [number, number, number, number])) as tf.Tensor);
    const data = (await out.data()) as Float32Array;
    out.dispose();
    return data;
  };
  return { forward, description: `stride: ${chosen.description}, tfjs ${tf.version.tfjs}, ${folded} batch norms folded` };
}

async function ortForward(job: InferJob, input: Float32Array): Promise<{ forward: Forward; description: string }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as typeof Ort;
  const session = await ort.InferenceSession.create(job.onnxFile, { intraOpNumThreads: 1, interOpNumThreads: 1, executionProviders: ['cpu'] });
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  const forward = async () => {
    const result = await session.run({ [inputName]: new ort.Tensor('float32', input, job.inputShape) });
    return result[outputName].data as Float32Array;
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const version = (require('onnxruntime-node/package.json') as { version: string }).version;
  return { forward, description: `onnxruntime-node ${version} (cpu, intra-op 1, inter-op 1 threads)` };
}

async function main(job: InferJob): Promise<void> {
  const bytes = fs.readFileSync(job.inputFile);
  const input = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
  const { forward, description } = job.runtime === 'stride' ? await strideForward(job, input) : await ortForward(job, input);
  const output = Array.from(await forward());
  emit({ event: 'ready' });
  for (let i = 0; i < job.warmup; i++) await forward();
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < job.runs; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await forward();
    wallMs.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  const result: InferResult = { description, output, wallMs, cpuMs, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  emit({ event: 'result', ...result });
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]) as InferJob).catch((err) => {
    emit({ event: 'error', message: String(err?.stack ?? err) });
    process.exitCode = 1;
  });
}
