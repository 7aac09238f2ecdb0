// Shared pieces of the PyTorch DDP tests: the stride command as a real process, the metrics log, small model files.

import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const BIN = path.join(ROOT, 'bin', 'stride.js');
/** Debian's python3-torch lives under /usr/bin/python3; a python3 earlier on PATH may lack it. */
export const PYTHON = '/usr/bin/python3';
export const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
export const NO_TORCH = !hasTorch && 'PyTorch (Debian python3-torch) is not installed';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `stride ARGS` to completion (asynchronously, so tests may watch its files meanwhile). */
export function stride(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

export interface Record {
  readonly event: string;
  readonly [k: string]: unknown;
}

export function readLog(file: string): Record[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record);
}

/**
 * A small shapes classifier; `norm` adds a batchnorm (running statistics and the batch counter travel too); `extra`
 * adds train-section lines.
 */
export function modelSource(o: {
  name: string;
  norm: boolean;
  optimizer: string;
  count: number;
  epochs: number;
  batch?: number;
  validation?: number;
  extra?: string;
}): string {
  return `## A small classifier for the shapes set.
model ${o.name} {
  input(16, 16, 1)
  conv2d(6, 3, padding: same, activation: relu)
${o.norm ? '  batchnorm()\n' : ''}  maxpool2d(2)
  conv2d(8, 3, activation: relu)
  flatten()
  dense(4, activation: softmax)
}

train ${o.name} {
  data: shapes(count: ${o.count})
  optimizer: ${o.optimizer}
  epochs: ${o.epochs}
  batch: ${o.batch ?? 32}
  validation: ${o.validation ?? 0.1}
  seed: 3${o.extra ? `\n  ${o.extra}` : ''}
}
`;
}

/** Trains `file` with the given engine into `out` (the command must succeed) and returns its metrics log's records. */
export async function trainLogged(file: string, out: string, engine: 'node' | 'torch', more: readonly string[] = []): Promise<Record[]> {
  const args = ['train', file, '--out', out, ...(engine === 'torch' ? ['--engine', 'torch', '--python', PYTHON] : []), ...more];
  const r = await stride(args);
  assert.equal(r.status, 0, r.stderr);
  return readLog(path.join(out, 'metrics.jsonl'));
}

export function writeModel(dir: string, name: string, text: string): string {
  const file = path.join(dir, `${name}.stride`);
  fs.writeFileSync(file, text);
  return file;
}

/** The first `count` packed training images of a torch-ddp project, as floats in [0, 1] (what both sides are given). */
export function packedSamples(project: string, count: number): { data: Float32Array; count: number } {
  const config = JSON.parse(fs.readFileSync(path.join(project, 'stride.json'), 'utf8')) as { data: { shape: number[]; images: string } };
  const size = config.data.shape.reduce((a, b) => a * b, 1);
  const bytes = fs.readFileSync(path.join(project, config.data.images)).subarray(0, count * size);
  return { data: Float32Array.from(bytes, (b) => b / 255), count };
}

/** Starts a run and, as soon as its first epoch is logged, kills its training processes (those naming `out`). */
export function killAfterFirstEpoch(file: string, out: string, extra: readonly string[] = []): Promise<number> {
  const child = spawn(process.execPath, [BIN, 'train', file, '--engine', 'torch', '--python', PYTHON, '--out', out, ...extra], { stdio: 'ignore' });
  const log = path.join(out, 'metrics.jsonl');
  const epochsLogged = () => (fs.existsSync(log) ? readLog(log).filter((r) => r.event === 'epoch').length : 0);
  let killed = false;
  const timer = setInterval(() => {
    if (epochsLogged() === 0) return;
    const pids = trainingProcesses(out);
    if (pids.length === 0) return;
    clearInterval(timer);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    killed = true;
  }, 20);
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      clearInterval(timer);
      if (!killed) reject(new Error(`the run ended by itself (status ${code}) before it could be killed`));
      else if (code !== 2) reject(new Error(`stride exited with ${code} after its training process was killed; expected 2`));
      else resolve(epochsLogged());
    }),
  );
}

/** Pids of the processes running train.py for the run folder `out` (read from /proc; never another test's). */
function trainingProcesses(out: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.includes('train.py') && cmd.includes(out);
      } catch {
        return false;
      }
    })
    .map(Number);
}
