// Whether the runtime the language server will run on accepts its heap flags (protocol/server-heap.ts).
//
// VS Code starts the server with its own runtime (Electron run as Node), whose V8 is not the one Stride was measured
// on; a V8 that dropped a flag would refuse to start the server at all ("bad option"). So the client starts that
// runtime once with the flags and nothing to run, and remembers a success per V8 version.

import { execFile } from 'node:child_process';

/** How long the runtime may take to start and exit: a slow disk at activation, not a hang. */
const CHECK_TIMEOUT_MS = 20_000;

/** Resolves true when `execPath`, run as Node with `flags`, starts and exits cleanly. */
export function runtimeAccepts(flags: readonly string[], execPath = process.execPath): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(execPath, [...flags, '-e', ''], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: CHECK_TIMEOUT_MS }, (error) => resolve(!error));
  });
}

/** Where a success is remembered (VS Code's globalState, or a map in tests). */
export interface Memo {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

/**
 * `flags` when this runtime accepts them (checked once per V8 version and flag set), else no flags; `log` says why.
 * A failed check is not remembered: the next start checks again.
 */
export async function acceptedHeapFlags(flags: readonly string[], memo: Memo, log: (line: string) => void, execPath = process.execPath): Promise<string[]> {
  if (flags.length === 0) return [];
  const key = `stride.heapFlagsAccepted:${process.versions.v8}:${flags.join(' ')}`;
  if (memo.get(key) === true) return [...flags];
  if (await runtimeAccepts(flags, execPath)) {
    await memo.update(key, true);
    return [...flags];
  }
  log(`This runtime (V8 ${process.versions.v8}) did not start with ${flags.join(' ')}: the language server runs with Node's default heap.`);
  return [];
}
