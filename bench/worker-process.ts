// One benchmark worker in a fresh process: its JSON-lines events on stdout ("ready", then "result" or "error"), the
// time from spawn to "ready" as its start-up, and a time limit. The training and inference benchmarks both use it.
import { spawn } from 'node:child_process';

export interface WorkerOutcome<R> {
  /** The worker's "result" event. */
  readonly result: R;
  /** Spawn to the "ready" line, in ms (imports, backend, model; whatever the worker does first). */
  readonly startupMs: number;
}

/** Runs `cmd args`; resolves with its "result" event, rejects with its "error" event, a crash or the time limit. */
export function runWorker<R>(label: string, cmd: string, args: readonly string[], timeoutMs: number): Promise<WorkerOutcome<R>> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STRIDE_BACKEND: '' } });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let startupMs = NaN;
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const event = JSON.parse(line);
        if (event.event === 'ready') startupMs = performance.now() - started;
        if (event.event === 'result') resolve({ result: event as R, startupMs });
        if (event.event === 'error') reject(new Error(`${label}: ${event.message}`));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}
