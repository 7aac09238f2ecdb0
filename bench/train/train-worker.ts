// One throughput measurement in a fresh process: a Stride backend training one benchmark net.
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../../train/node/backends/select';
import { makeOptimizer } from '../../train/optimizers';
import { startPartners } from '../../train/node/parallel/partner';
import { optimizeBatch } from '../../train/step';
import { BENCH_MODELS } from './models';

/** What the worker is asked to measure (argv as JSON, so parent and worker share one shape). */
export interface WorkerJob {
  backend: BackendName;
  model: string;
  batch: number;
  warmupSteps: number;
  minSteps: number;
  minSeconds: number;
  /** Threads training data-parallel (train/node/parallel): 1 or absent, one. */
  threads?: number;
}

export interface WorkerResult {
  description: string;
  steps: number;
  samplesPerSecond: number;
  /** Samples per second of this process's CPU time: robust when other processes share the cores. */
  samplesPerCpuSecond: number;
  peakRssMb: number;
}

function emit(event: object): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

/** A few fixed random batches (inputs, integer labels), cycled, so every backend sees the same data movement. */
function makeBatches(shape: number[], classes: number, batch: number): Array<[tf.Tensor, tf.Tensor1D]> {
  return Array.from({ length: 4 }, (_, i) => {
    const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', i + 1);
    return [x, tf.randomUniform([batch], 0, classes, 'int32', i + 101) as tf.Tensor1D];
  });
}

async function main(job: WorkerJob): Promise<void> {
  const spec = BENCH_MODELS.find((m) => m.name === job.model);
  if (!spec) throw new Error(`unknown model ${job.model}`);
  const chosen = await selectBackend({ backend: job.backend, warn: () => undefined });
  const model = spec.build();
  // Stride's own training step (train/trainer.ts) and optimizer (train/optimizers.ts), as `stride train` runs them.
  const plan = makeOptimizer({ name: 'adam', args: { lr: 1e-3 } });
  const objective = { loss: 'crossentropy', forms: ['softmax' as const], classes: spec.classes };
  const batches = makeBatches(spec.inputShape, spec.classes, job.batch);
  const threads = job.threads ?? 1;
  const recipe = { kind: 'module', module: require.resolve('./models'), name: 'buildBenchModel', arg: job.model } as const;
  // As `stride train --threads N` runs: N - 1 partner threads, each taking a share of every batch.
  const partners = await startPartners(threads - 1, { recipe, model, maxRows: job.batch, backend: tf.getBackend() });
  const description = threads > 1 ? `${chosen.description}, ${threads} data-parallel threads` : chosen.description;
  emit({ event: 'ready', description });
  let step = 0;
  const trainStep = async () => {
    const [x, y] = batches[step++ % batches.length];
    const { pred } = await optimizeBatch(model, plan, x, y, objective, undefined, partners);
    pred.dispose();
  };
  for (let i = 0; i < job.warmupSteps; i++) await trainStep();
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  let steps = 0;
  while (steps < job.minSteps || performance.now() - wall0 < job.minSeconds * 1000) {
    await trainStep();
    steps++;
  }
  const wallSeconds = (performance.now() - wall0) / 1000;
  // The whole process's CPU time: the partner threads' too.
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await Promise.all(partners.map((p) => p.close()));
  const result: WorkerResult = {
    description,
    steps,
    samplesPerSecond: (steps * job.batch) / wallSeconds,
    samplesPerCpuSecond: (steps * job.batch) / cpuSeconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  emit({ event: 'result', ...result });
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]) as WorkerJob).catch((err) => {
    emit({ event: 'error', message: String(err?.stack ?? err) });
    process.exitCode = 1;
  });
}
