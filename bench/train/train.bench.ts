// Training throughput: Stride's Node backends (wasm + kernels, cpu) side by side with PyTorch CPU.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BENCH_MODELS } from './models';
import type { WorkerJob, WorkerResult } from './train-worker';
import { runWorker } from '../worker-process';

type Runner = 'wasm' | 'cpu' | 'pytorch';
interface Measurement extends WorkerResult {
  runner: Runner;
  model: string;
  startupMs: number;
  batch: number;
}

const BATCH = 32;
const ROUNDS = Number(process.env.STRIDE_BENCH_ROUNDS ?? 2);
const WITH_CPU = process.env.STRIDE_BENCH_CPU !== '0';
const PYTHON = process.env.STRIDE_BENCH_PYTHON ?? '/usr/bin/python3';
const WORKER_TIMEOUT_MS = 240_000;
/**
 * `STRIDE_BENCH_THREADS=2`: Stride trains data-parallel on 2 threads (`stride train --threads 2`), PyTorch gets
 * `torch.set_num_threads(2)`. Default 1 each (the wasm backend itself is single-threaded).
 */
const THREADS = Number(process.env.STRIDE_BENCH_THREADS ?? 1);
/** `STRIDE_BENCH_MODELS=resnet8,mobilenet-tiny` measures only those nets. */
const ONLY = process.env.STRIDE_BENCH_MODELS?.split(',').map((m) => m.trim());

/**
 * The cpu backend is 30–1000× slower: it gets a few batches of the tiny net and a single batch of
 * 2 for the conv nets (one such step already takes tens of seconds), so the run stays short.
 */
function jobFor(runner: Runner, model: string): WorkerJob & { threads: number } {
  const base = { backend: runner === 'cpu' ? 'cpu' : 'wasm', model, threads: runner === 'cpu' ? 1 : THREADS } as const;
  if (runner !== 'cpu') return { ...base, batch: BATCH, warmupSteps: 3, minSteps: 5, minSeconds: 8 };
  if (model === 'tiny-cnn') return { ...base, batch: BATCH, warmupSteps: 1, minSteps: 2, minSeconds: 0 };
  return { ...base, batch: 2, warmupSteps: 0, minSteps: 1, minSeconds: 0 };
}

function command(runner: Runner, job: object): [string, string[]] {
  if (runner === 'pytorch') return [PYTHON, [path.join(__dirname, '../../../bench/train/torch-train.py'), JSON.stringify(job)]];
  return [process.execPath, [path.join(__dirname, 'train-worker.js'), JSON.stringify(job)]];
}

/** Runs one worker; start-up is the time from spawn to its "ready" line (imports, backend, model). */
async function measure(runner: Runner, model: string): Promise<Measurement> {
  const job = jobFor(runner, model);
  const [cmd, args] = command(runner, job);
  const { result, startupMs } = await runWorker<WorkerResult>(`${runner}/${model}`, cmd, args, WORKER_TIMEOUT_MS);
  return { ...result, runner, model, startupMs, batch: job.batch };
}

/** Best of the rounds: other processes only ever slow a run down. */
function best(a: Measurement | undefined, b: Measurement): Measurement {
  if (!a) return b;
  return {
    ...b,
    samplesPerSecond: Math.max(a.samplesPerSecond, b.samplesPerSecond),
    samplesPerCpuSecond: Math.max(a.samplesPerCpuSecond, b.samplesPerCpuSecond),
    startupMs: Math.min(a.startupMs, b.startupMs),
    peakRssMb: Math.max(a.peakRssMb, b.peakRssMb),
  };
}

async function measureModel(model: string): Promise<Measurement[]> {
  const results = new Map<Runner, Measurement>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const runner of ['wasm', 'pytorch'] as const) {
      results.set(runner, best(results.get(runner), await measure(runner, model)));
    }
  }
  if (WITH_CPU) results.set('cpu', await measure('cpu', model));
  return [...results.values()];
}

/** Small values (the cpu backend's samples/s) keep two significant digits. */
const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? (v > 0 && v < 1 ? v.toPrecision(2) : v.toFixed(digits)) : '–');
const ratio = (a: number, b: number | undefined) => (b ? `${fmt(a / b, 2)}×` : '–');

function table(all: Measurement[]): string {
  const rows = [
    '| model | runner | samples/s (wall) | samples per CPU-second | vs PyTorch (wall / CPU) | vs cpu backend (CPU) | peak RSS (MB) | start-up (ms) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of all) {
    const torch = all.find((o) => o.model === m.model && o.runner === 'pytorch');
    const cpu = all.find((o) => o.model === m.model && o.runner === 'cpu');
    const vsTorch =
      m.runner === 'pytorch' ? '1×' : `${ratio(m.samplesPerSecond, torch?.samplesPerSecond)} / ${ratio(m.samplesPerCpuSecond, torch?.samplesPerCpuSecond)}`;
    const vsCpu = m.runner === 'cpu' ? '1×' : ratio(m.samplesPerCpuSecond, cpu?.samplesPerCpuSecond);
    const runner = m.batch !== BATCH ? `${m.runner} (batch ${m.batch}, ${m.steps} step)` : m.runner;
    rows.push(
      `| ${m.model} | ${runner} | ${fmt(m.samplesPerSecond, 1)} | ${fmt(m.samplesPerCpuSecond, 1)} | ${vsTorch} | ${vsCpu} | ${fmt(m.peakRssMb)} | ${fmt(m.startupMs)} |`,
    );
  }
  return rows.join('\n');
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
  const all: Measurement[] = [];
  const descriptions = new Set<string>();
  for (const { name } of BENCH_MODELS.filter((m) => !ONLY || ONLY.includes(m.name))) {
    for (const m of await measureModel(name)) {
      all.push(m);
      descriptions.add(`${m.runner}: ${m.description}`);
      process.stderr.write(`${name} ${m.runner}: ${fmt(m.samplesPerSecond, 1)} samples/s\n`);
    }
  }
  const report = [
    `Machine at start: ${before}`,
    `Machine at end:   ${machine()}`,
    `Batch ${BATCH}, Adam, best of ${ROUNDS} rounds (wasm and PyTorch interleaved); threads: Stride ${THREADS} (data-parallel), PyTorch ${THREADS}; cpu backend 1.`,
    ...[...descriptions].map((d) => `- ${d}`),
    '',
    table(all),
  ].join('\n');
  console.log(report);
  const outFile = path.join(__dirname, THREADS > 1 ? `train-results-${THREADS}-threads.md` : 'train-results.md');
  fs.writeFileSync(outFile, report + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
