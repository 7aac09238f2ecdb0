// How the extension runs `stride train` as a child process: which script, which Node, which arguments, and the PyTorch check.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A `stride train` run the editor starts: the Node engine by default, or PyTorch DDP through torchrun. */
export interface CliTrainOptions {
  readonly engine: 'node' | 'torch';
  /** torchrun processes (`--nproc`); torch only. */
  readonly processes?: number;
  /** The interpreter with PyTorch (`--python`); torch only. */
  readonly python?: string;
  readonly epochs?: number;
  readonly limit?: number;
}

/** The largest process count the prompt accepts: one machine's GPUs or cores, with room to spare. */
export const MAX_PROCESSES = 256;

/** Why a process count typed by the user is refused, or null when it is fine. */
export function processCountError(value: string): string | null {
  const v = value.trim();
  if (!/^\d+$/.test(v)) return 'Enter a whole number of processes, such as 1 or 2.';
  const n = Number(v);
  if (n < 1 || n > MAX_PROCESSES) return `Enter a number of processes from 1 to ${MAX_PROCESSES}.`;
  return null;
}

/**
 * The CLI script inside the extension: `bin/stride.js` with the compiled `out/cli` beside it (a development checkout),
 * else the bundled `dist/stride-cli.js` the extension package ships. Null when neither is there.
 */
export function strideCliScript(extensionPath: string): string | null {
  const script = path.join(extensionPath, 'bin', 'stride.js');
  const main = path.join(extensionPath, 'out', 'cli', 'main.js');
  if (fs.existsSync(script) && fs.existsSync(main)) return script;
  const bundled = path.join(extensionPath, 'dist', 'stride-cli.js');
  return fs.existsSync(bundled) ? bundled : null;
}

/** The command line after `node SCRIPT`: the file's model trained by the chosen engine. */
export function trainArguments(file: string, model: string, o: CliTrainOptions): string[] {
  const args = ['train', file, '--model', model];
  if (o.engine === 'torch') args.push('--engine', 'torch', '--nproc', String(o.processes ?? 1), '--python', o.python ?? 'python3');
  if (o.epochs !== undefined) args.push('--epochs', String(o.epochs));
  if (o.limit !== undefined) args.push('--limit', String(o.limit));
  return args;
}

/**
 * The environment of the child: the extension host's Node (Electron's binary acts as Node with ELECTRON_RUN_AS_NODE;
 * a plain Node, as in a remote host, ignores it), and no colours, since the output goes to a terminal we draw.
 */
export function childEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...base, ELECTRON_RUN_AS_NODE: '1', NO_COLOR: '1' };
}

export type TorchCheck =
  | { readonly ok: true; readonly version: string }
  | { readonly ok: false; readonly missing: 'interpreter' | 'torch'; readonly message: string };

/** Runs `PYTHON -c "import torch"`: is the interpreter there, and does it have PyTorch? Never throws. */
export function checkTorch(python: string, timeoutMs = 60_000): Promise<TorchCheck> {
  const script = 'import torch; print(torch.__version__)';
  return new Promise((resolve) => {
    execFile(python, ['-c', script], { timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, version: String(stdout).trim() });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES')
        return resolve({ ok: false, missing: 'interpreter', message: `the Python interpreter '${python}' was not found (stride.python setting)` });
      const last = String(stderr).trim().split('\n').pop() ?? '';
      const why = last || (error.killed ? `it did not answer within ${timeoutMs / 1000} s` : error.message);
      resolve({ ok: false, missing: 'torch', message: `PyTorch is not available to '${python}' (import torch failed: ${why})` });
    });
  });
}

/** Whether the CLI documents `train --engine`: one that does not would ignore the option and train with Node instead. */
export function cliKnowsEngine(node: string, script: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(node, [script, 'help'], { env, timeout: 30_000, windowsHide: true }, (error, stdout) => resolve(!error && String(stdout).includes('--engine')));
  });
}
