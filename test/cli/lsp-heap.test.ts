// `stride lsp --stdio` runs the server in a Node process with the young generation it asks for
// (protocol/server-heap.ts): the server says which in its first log message, serves, and ends with its parent.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SERVER_YOUNG_GENERATION_MB, serverHeapFlags } from '../../protocol/server-heap';
import { acceptedHeapFlags, type Memo } from '../../client/heap-check';
import { childPids } from '../helpers/processes';
import { RawLsp, type RawMessage } from '../server/raw-lsp';

const ROOT = join(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'stride.js');

function lsp(...extra: string[]): RawLsp {
  return new RawLsp([BIN, 'lsp', '--stdio', ...extra]);
}

/** Initializes and returns the server's start-up log line. */
async function startUp(server: RawLsp): Promise<string> {
  await server.request(1, 'initialize', { processId: null, rootUri: null, capabilities: {} }, 20_000);
  server.send({ method: 'initialized', params: {} });
  const log = await server.waitFor((m) => m.method === 'window/logMessage', 10_000);
  return (log.params as { message: string }).message;
}

function exited(server: RawLsp): Promise<number | null> {
  return new Promise((resolve) => (server.child.exitCode !== null ? resolve(server.child.exitCode) : server.child.once('exit', (code) => resolve(code))));
}

async function shutDown(server: RawLsp): Promise<number | null> {
  const done = exited(server);
  await server.request(99, 'shutdown', null);
  server.send({ method: 'exit' });
  return done;
}

test('serverHeapFlags: the default, 0 for none, and anything invalid falls back to the default', () => {
  const fallback = serverHeapFlags(DEFAULT_SERVER_YOUNG_GENERATION_MB);
  assert.deepEqual(fallback, ['--max-semi-space-size=128', '--semi-space-growth-factor=8']);
  assert.deepEqual(serverHeapFlags(0), []);
  assert.deepEqual(serverHeapFlags(48), ['--max-semi-space-size=48', '--semi-space-growth-factor=8']);
  for (const bad of [undefined, null, -1, 1.5, 1025, '64', Number.NaN]) assert.deepEqual(serverHeapFlags(bad), fallback, String(bad));
});

function memo(): Memo & { entries: Map<string, unknown> } {
  const entries = new Map<string, unknown>();
  return { entries, get: (k) => entries.get(k), update: async (k, v) => void entries.set(k, v) };
}

test('the client keeps the heap flags this runtime accepts, remembers that, and drops flags it rejects', async () => {
  const flags = serverHeapFlags(DEFAULT_SERVER_YOUNG_GENERATION_MB);
  const store = memo();
  const logged: string[] = [];
  assert.deepEqual(await acceptedHeapFlags(flags, store, (l) => logged.push(l)), flags);
  assert.deepEqual([...store.entries.values()], [true], 'the success is remembered');
  // Remembered: no runtime is started (this path does not exist), the flags are used as they are.
  assert.deepEqual(await acceptedHeapFlags(flags, store, (l) => logged.push(l), '/nonexistent/node'), flags);
  const bogus = [...flags, '--no-such-flag-in-any-v8'];
  assert.deepEqual(await acceptedHeapFlags(bogus, store, (l) => logged.push(l)), []);
  assert.equal(logged.length, 1);
  assert.match(logged[0], /did not start with .*--no-such-flag-in-any-v8: the language server runs with Node's default heap/);
  assert.equal(store.entries.size, 1, 'a failure is not remembered');
  assert.deepEqual(await acceptedHeapFlags([], store, () => assert.fail('nothing to check')), []);
});

test('stride lsp --stdio serves from a process with the default young generation and exits when asked', async () => {
  const server = lsp();
  try {
    assert.match(await startUp(server), /heap: --max-semi-space-size=128 --semi-space-growth-factor=8\./);
    const uri = 'file:///heap.stride';
    server.send({
      method: 'textDocument/didOpen',
      params: { textDocument: { uri, languageId: 'stride', version: 1, text: 'model M {\n  input(8, 8, 1)\n  conv2dd(4, 3)\n}\n' } },
    });
    const published = await server.waitFor((m: RawMessage) => m.method === 'textDocument/publishDiagnostics');
    assert.deepEqual(
      (published.params as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code),
      ['unknown-layer'],
    );
    assert.equal(await shutDown(server), 0);
  } finally {
    server.kill();
  }
});

test("stride lsp --young-generation-mb 0 serves with Node's default heap; 64 with 64 MB", async () => {
  for (const [mb, heap] of [
    ['0', "Node's default"],
    ['64', '--max-semi-space-size=64 --semi-space-growth-factor=8'],
  ]) {
    const server = lsp('--young-generation-mb', mb);
    try {
      assert.ok((await startUp(server)).endsWith(`heap: ${heap}.`), mb);
      assert.equal(await shutDown(server), 0);
    } finally {
      server.kill();
    }
  }
});

test('stride lsp --young-generation-mb above 1024 is a usage error', () => {
  const run = spawnSync(process.execPath, [BIN, 'lsp', '--stdio', '--young-generation-mb', '4096'], { encoding: 'utf8', input: '' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--young-generation-mb must be at most 1024, got 4096/);
});

test('a signal to stride lsp ends the server process it started', { skip: !existsSync('/proc/self/task') && 'needs /proc' }, async () => {
  const server = lsp();
  try {
    await startUp(server);
    const pid = server.child.pid!;
    const children = childPids(pid);
    assert.equal(children.length, 1, 'one server process');
    const done = exited(server);
    server.child.kill('SIGTERM');
    assert.equal(await done, 128 + 15);
    for (const deadline = Date.now() + 5000; existsSync(`/proc/${children[0]}`) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    assert.equal(existsSync(`/proc/${children[0]}`), false, 'the server process is gone');
  } finally {
    server.kill();
  }
});
