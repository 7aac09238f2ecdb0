// The PyTorch engine's edges: an interpreter without torch, the exported shapes images, and Ctrl-C during a run.

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { makeShapes, SHAPE_CLASSES } from '../../train/data/shapes';
import { loadImage } from '../../train/node/data/folder';
import { BIN, modelSource, NO_TORCH, PYTHON, readLog, stride, tempDir, writeModel } from './ddp-harness';

/** A real interpreter that cannot import torch: it refuses exactly that and runs everything else. */
function pythonWithoutTorch(dir: string): string {
  const file = path.join(dir, 'python');
  fs.writeFileSync(
    file,
    `#!/bin/sh\nif [ "$1" = "-c" ] && echo "$2" | grep -q "import torch"; then echo "ModuleNotFoundError: No module named 'torch'" >&2; exit 1; fi\nexec ${PYTHON} "$@"\n`,
    { mode: 0o755 },
  );
  return file;
}

describe('choosing the interpreter', () => {
  const dir = tempDir('stride-ddp-python-');
  const file = writeModel(dir, 'net', modelSource({ name: 'Net', norm: false, optimizer: 'sgd', count: 40, epochs: 1 }));

  test('--python without torch: a clear error naming it and how to choose another, nothing written', async () => {
    const python = pythonWithoutTorch(dir);
    const r = await stride(['train', file, '--engine', 'torch', '--python', python]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`'${python}' cannot import torch`));
    assert.match(r.stderr, /--python PATH, the STRIDE_PYTHON environment variable, or the stride\.python setting/);
    assert.ok(!fs.existsSync(path.join(dir, 'net.runs')));
  });

  test('STRIDE_PYTHON is the default interpreter; a missing one is named too', async () => {
    const python = pythonWithoutTorch(dir);
    const r = await stride(['train', file, '--engine', 'torch'], { STRIDE_PYTHON: python });
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`'${python}' cannot import torch`));
    const missing = await stride(['train', file, '--engine', 'torch', '--python', path.join(dir, 'no-such-python')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no-such-python' cannot be started/);
  });

  test("a monitor the run does not measure is refused before anything is written, with the trainer's message", async () => {
    const watched = writeModel(
      dir,
      'watched',
      modelSource({ name: 'Net', norm: false, optimizer: 'sgd', count: 40, epochs: 1 }).replace(
        'seed: 3',
        'seed: 3\n  early_stopping: patience(2, monitor: val_precision)',
      ),
    );
    const r = await stride(['export', watched, '--format', 'torch-ddp', '--out', path.join(dir, 'watched-project')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /early_stopping watches 'val_precision' but 'precision' is not among the metrics/);
    assert.ok(!fs.existsSync(path.join(dir, 'watched-project', 'train.py')));
  });

  test('an unknown engine is a usage error', async () => {
    const r = await stride(['train', file, '--engine', 'jax']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /option --engine does not accept 'jax' \(values: node, torch\)/);
  });
});

describe('stride data export shapes', () => {
  test('writes the very images Stride trains on, one PNG per image in its class folder', async () => {
    const dir = path.join(tempDir('stride-shapes-'), 'out');
    const r = await stride(['data', 'export', 'shapes', dir, '--count', '10', '--size', '12,14,3', '--seed', '5', '--noise', '0.2']);
    assert.equal(r.status, 0, r.stderr);
    const data = makeShapes({ height: 12, width: 14, channels: 3, count: 10, seed: 5, noise: 0.2 });
    const size = 12 * 14 * 3;
    for (const [part, set] of [
      ['train', data.train],
      ['test', data.test!],
    ] as const) {
      const digits = String(set.count).length;
      for (let i = 0; i < set.count; i++) {
        const png = path.join(dir, part, SHAPE_CLASSES[set.labels[i]], `${String(i).padStart(digits, '0')}.png`);
        const pixels = loadImage(png, { height: 12, width: 14, channels: 3 });
        assert.deepEqual(pixels, (set.images as Uint8Array).subarray(i * size, (i + 1) * size), png);
      }
    }
    assert.equal(fs.readdirSync(path.join(dir, 'train')).sort().join(), [...SHAPE_CLASSES].sort().join());
  });

  test('refuses a folder that is not empty', async () => {
    const dir = tempDir('stride-shapes-full-');
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'x');
    const r = await stride(['data', 'export', 'shapes', dir]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /is not empty/);
  });
});

describe('stopping a PyTorch run', { skip: NO_TORCH }, () => {
  test('SIGINT to stride stops every process, keeps a checkpoint and brings the weights back; torchrun ends quietly', async () => {
    const dir = tempDir('stride-ddp-stop-');
    const file = writeModel(dir, 'net', modelSource({ name: 'Net', norm: false, optimizer: 'sgd(lr: 0.05)', count: 2400, epochs: 50 }));
    const child = spawn(process.execPath, [BIN, 'train', file, '--engine', 'torch', '--nproc', '2', '--python', PYTHON], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const log = path.join(dir, 'net.runs', 'Net', 'metrics.jsonl');
    const status = await new Promise<number | null>((resolve) => {
      const timer = setInterval(() => {
        if (!fs.existsSync(log) || !readLog(log).some((r) => r.event === 'epoch')) return;
        clearInterval(timer);
        child.kill('SIGINT');
      }, 50);
      child.on('exit', (code) => resolve(code));
    });
    assert.equal(status, 0);
    const records = readLog(log);
    const end = records.at(-1)!;
    assert.equal(end.event, 'end');
    assert.equal(end.status, 'stopped');
    assert.ok(records.filter((r) => r.event === 'epoch').length < 50);
    assert.ok(fs.existsSync(path.join(dir, 'net.runs', 'Net', 'torch', 'checkpoint.pt')));
    assert.ok(fs.existsSync(path.join(dir, 'net.runs', 'Net', 'weights', 'model.json')));
    assert.match(stdout, /Stopped: Net/);
    // The stop reaches the training processes through the stop file: torchrun is not signalled, so no traceback.
    assert.match(stderr, /Stopping: the processes save a checkpoint/);
    assert.doesNotMatch(stderr, /Traceback|SignalException/);
    assert.ok(!fs.existsSync(path.join(dir, 'net.runs', 'Net', 'torch', 'stop-requested')), 'the stop file is removed');
  });
});

/** The pid of the training process of global rank `rank` whose command line names `dir` (never another test's). */
function rankPid(dir: string, rank: number): number | undefined {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (cmd.includes('train.py') && cmd.includes(dir) && env.includes(`RANK=${rank}`)) return Number(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return undefined;
}

describe('a failed process', { skip: NO_TORCH || (!fs.existsSync('/proc/self/environ') && 'needs /proc') }, () => {
  test('a killed rank stops the job: torchrun names it, stride says so and where the checkpoint is', async () => {
    const dir = tempDir('stride-ddp-dead-');
    const file = writeModel(dir, 'net', modelSource({ name: 'Net', norm: false, optimizer: 'sgd(lr: 0.05)', count: 2400, epochs: 50 }));
    const child = spawn(process.execPath, [BIN, 'train', file, '--engine', 'torch', '--nproc', '2', '--python', PYTHON], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const log = path.join(dir, 'net.runs', 'Net', 'metrics.jsonl');
    const status = await new Promise<number | null>((resolve) => {
      const timer = setInterval(() => {
        if (!fs.existsSync(log) || !readLog(log).some((r) => r.event === 'epoch')) return;
        const pid = rankPid(dir, 1);
        if (pid === undefined) return;
        clearInterval(timer);
        process.kill(pid, 'SIGKILL');
      }, 50);
      child.on('exit', (code) => {
        clearInterval(timer);
        resolve(code);
      });
    });
    assert.equal(status, 2);
    assert.match(stderr, /rank\s*: 1 \(local_rank: 1\)/);
    assert.match(stderr, /the PyTorch run ended \(exit status \d+\) before it finished/);
    assert.match(stderr, /continue with --resume/);
    assert.ok(!readLog(log).some((r) => r.event === 'end'));
    assert.ok(fs.existsSync(path.join(dir, 'net.runs', 'Net', 'torch', 'checkpoint.pt')));
  });
});
