// The exported project across two torchrun "nodes" on loopback (c10d rendezvous), as its README tells users to run it.

import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { modelSource, NO_TORCH, PYTHON, readLog, stride, tempDir, writeModel } from './ddp-harness';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function node(project: string, port: number): Promise<{ status: number | null; output: string }> {
  const argv = ['launch.py', '--nnodes=2', '--nproc_per_node=1', '--rdzv_backend=c10d', `--rdzv_endpoint=127.0.0.1:${port}`, '--rdzv_id=loopback'];
  const child = spawn(PYTHON, [...argv, 'train.py', '--out', 'multi'], { cwd: project });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, output })));
}

describe('multi-node', { skip: NO_TORCH }, () => {
  test('two nodes on loopback train as one process does, rank 0 alone writing the log and the weights', async () => {
    const dir = tempDir('stride-ddp-nodes-');
    const file = writeModel(dir, 'net', modelSource({ name: 'Net', norm: false, optimizer: 'sgd(lr: 0.1)', count: 240, epochs: 1 }));
    const project = path.join(dir, 'project');
    const exported = await stride(['export', file, '--format', 'torch-ddp', '--out', project]);
    assert.equal(exported.status, 0, exported.stderr);
    const port = await freePort();
    const nodes = await Promise.all([node(project, port), node(project, port)]);
    for (const n of nodes) assert.equal(n.status, 0, n.output);
    const single = spawnSync(PYTHON, ['train.py', '--out', 'single'], { cwd: project, encoding: 'utf8' });
    assert.equal(single.status, 0, single.stderr);

    const multi = readLog(path.join(project, 'multi', 'metrics.jsonl'));
    assert.deepEqual(
      multi.map((r) => r.event),
      ['start', 'epoch', 'end'],
    );
    assert.match(String(multi[0].backend), /2 × gloo/);
    assert.equal(multi[2].weightsFile, path.join(project, 'multi', 'weights.safetensors'));
    const one = readLog(path.join(project, 'single', 'metrics.jsonl'));
    assert.ok(Math.abs((multi[1].loss as number) - (one[1].loss as number)) < 1e-5, `${String(multi[1].loss)} vs ${String(one[1].loss)}`);
  });
});
