// Training throughput of the torch-ddp project with 1 and 2 processes (samples/s of the second epoch's training).
// Run: npm run bench:torch-ddp [-- MODEL.stride] (STRIDE_PYTHON picks the interpreter; default /usr/bin/python3).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const PYTHON = process.env.STRIDE_PYTHON ?? '/usr/bin/python3';
const MODEL = process.argv[2] ?? path.join(ROOT, 'examples', 'shapes.stride');
const LIMIT = 4000;
const EPOCHS = 2;

function run(argv: string[], cwd: string): void {
  const r = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed:\n${r.stderr}`);
}

/** Samples per second of the last epoch's training steps (validation and checkpoint excluded), and its loss. */
function lastEpoch(log: string): { samplesPerSecond: number; loss: number } {
  const records = fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { event: string; samples?: number; seconds?: number; loss?: number });
  // `samples` counts the training set before the validation split, as the Node trainer's log does.
  const start = records.find((r) => r.event === 'start') as unknown as { samples: number; settings: { validation: number } };
  const held = start.settings.validation > 0 ? Math.max(1, Math.round(start.samples * start.settings.validation)) : 0;
  const samples = start.samples - held;
  const last = records.filter((r) => r.event === 'epoch').at(-1)!;
  return { samplesPerSecond: samples / last.seconds!, loss: last.loss! };
}

function main(): void {
  const project = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stride-bench-ddp-')), 'project');
  run([process.execPath, path.join(ROOT, 'bin', 'stride.js'), 'export', MODEL, '--format', 'torch-ddp', '--out', project], ROOT);
  const common = ['train.py', '--epochs', String(EPOCHS), '--limit', String(LIMIT), '--quiet'];
  const rows: string[] = [];
  for (const nproc of [1, 2]) {
    const out = `runs-${nproc}`;
    const launch = nproc === 1 ? [] : ['launch.py', '--standalone', `--nproc_per_node=${nproc}`];
    const t0 = Date.now();
    run([PYTHON, ...launch, ...common, '--out', out], project);
    const wall = (Date.now() - t0) / 1000;
    const { samplesPerSecond, loss } = lastEpoch(path.join(project, out, 'metrics.jsonl'));
    rows.push(`| ${nproc} | ${samplesPerSecond.toFixed(0)} | ${wall.toFixed(1)} | ${loss.toFixed(4)} |`);
  }
  const load = os.loadavg()[0].toFixed(1);
  process.stdout.write(
    `${path.basename(MODEL)}, the first ${LIMIT} images (less the validation split), ${EPOCHS} epochs, ${os.cpus().length} cores, load ${load}\n\n` +
      `| processes | samples/s (epoch ${EPOCHS}) | wall s (incl. start) | loss (epoch ${EPOCHS}) |\n|---|---|---|---|\n${rows.join('\n')}\n`,
  );
}

main();
