// Inference latency: batch-1 forward passes of ResNet-18 and MobileNetV2 (224×224×3), Stride's Node backend against
// onnxruntime-node on the same weights, one thread each, each runtime in a fresh process.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { selectBackend } from '../train/node/backends/select';
import { INFER_MODELS, prepare, type Prepared } from './infer/models';
import type { InferJob, InferResult, Runtime } from './infer/worker';
import { runWorker } from './worker-process';

interface Measurement extends InferResult {
  model: string;
  runtime: Runtime;
  startupMs: number;
}

const ROUNDS = Number(process.env.STRIDE_BENCH_ROUNDS ?? 2);
const RUNS = Number(process.env.STRIDE_BENCH_RUNS ?? 30);
const WARMUP = 5;
const WORKER_TIMEOUT_MS = 300_000;
/** Largest |Stride − onnxruntime| over the logits allowed, relative to the largest logit (float32 sums in another order). */
const TOLERANCE = 1e-4;

/** Runs one worker; start-up is spawn to its "ready" line (imports, backend, model build, weights, first pass). */
async function measure(model: string, job: InferJob): Promise<Measurement> {
  const worker = path.join(__dirname, 'infer', 'worker.js');
  const { result, startupMs } = await runWorker<InferResult>(`${job.runtime}/${model}`, process.execPath, [worker, JSON.stringify(job)], WORKER_TIMEOUT_MS);
  return { ...result, model, runtime: job.runtime, startupMs };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const quantile = (xs: number[], q: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = (xs: number[]) => quantile(xs, 0.5);

/** The round with the lower median: other processes on the machine only ever slow a run down. */
function best(a: Measurement | undefined, b: Measurement): Measurement {
  if (!a) return b;
  const keep = median(a.wallMs) <= median(b.wallMs) ? a : b;
  return { ...keep, startupMs: Math.min(a.startupMs, b.startupMs), peakRssMb: Math.max(a.peakRssMb, b.peakRssMb) };
}

/** The two runtimes' first outputs must agree before any timing is reported. */
function agreement(stride: Measurement, ort: Measurement): { diff: number; scale: number } {
  if (stride.output.length !== ort.output.length) throw new Error(`${stride.model}: ${stride.output.length} outputs vs ${ort.output.length}`);
  let diff = 0;
  let scale = 0;
  stride.output.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(v - ort.output[i]));
    scale = Math.max(scale, Math.abs(ort.output[i]));
  });
  if (!(diff <= TOLERANCE * Math.max(1, scale))) throw new Error(`${stride.model}: outputs disagree, max abs diff ${diff} (largest logit ${scale})`);
  return { diff, scale };
}

async function measureModel(name: string, file: string, prepared: Prepared): Promise<[Measurement, Measurement, string]> {
  const results = new Map<Runtime, Measurement>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const runtime of ['stride', 'onnxruntime'] as const) {
      const job: InferJob = { runtime, file, ...prepared, warmup: WARMUP, runs: RUNS };
      const m = await measure(name, job);
      results.set(runtime, best(results.get(runtime), m));
      process.stderr.write(`${name} ${runtime}: median ${median(m.wallMs).toFixed(1)} ms\n`);
    }
    agreement(results.get('stride')!, results.get('onnxruntime')!);
  }
  const [stride, ort] = [results.get('stride')!, results.get('onnxruntime')!];
  const { diff, scale } = agreement(stride, ort);
  return [stride, ort, `${name}: max abs diff of the logits ${diff.toExponential(2)} (largest logit ${scale.toFixed(2)})`];
}

const ms = (v: number) => v.toFixed(1);

function rows(stride: Measurement, ort: Measurement): string[] {
  return [stride, ort].map((m) => {
    const ratio = (f: (r: Measurement) => number) => (m === ort ? '1×' : `${(f(stride) / f(ort)).toFixed(2)}×`);
    const wall = `${ms(median(m.wallMs))} / ${ms(quantile(m.wallMs, 0.9))}`;
    const vs = m === ort ? '1×' : `${ratio((r) => median(r.wallMs))} / ${ratio((r) => median(r.cpuMs))}`;
    return `| ${m.model} | ${m.runtime} | ${wall} | ${ms(median(m.cpuMs))} | ${vs} | ${Math.round(m.peakRssMb)} | ${Math.round(m.startupMs)} |`;
  });
}

function machine(): string {
  const cpuModel = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · nproc ${os.availableParallelism()} · ${cpuModel} · Node ${process.version} · load average ${load}`;
}

async function main(): Promise<void> {
  const before = machine();
  await selectBackend({ warn: () => undefined });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-infer-'));
  const table = [
    '| model | runtime | latency ms (median / p90) | CPU ms (median) | Stride / onnxruntime (wall / CPU) | peak RSS (MB) | start-up (ms) |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  const notes: string[] = [];
  const descriptions = new Set<string>();
  try {
    for (const spec of INFER_MODELS) {
      const [stride, ort, note] = await measureModel(spec.name, spec.file, await prepare(spec, dir));
      table.push(...rows(stride, ort));
      notes.push(`- ${note}`);
      descriptions.add(`- ${stride.description}`).add(`- ${ort.description}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const report = [
    `Machine at start: ${before}`,
    `Machine at end:   ${machine()}`,
    `Batch 1, ${WARMUP} warm-up + ${RUNS} timed runs, best of ${ROUNDS} rounds:`,
    ...descriptions,
    ...notes,
    '',
    ...table,
  ].join('\n');
  console.log(report);
  fs.writeFileSync(path.join(__dirname, 'infer-results.md'), report + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
