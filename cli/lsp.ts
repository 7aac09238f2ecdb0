// `stride lsp --stdio`: the language server for any editor, in a Node process whose heap fits an analysis.
//
// V8's heap sizes are fixed when a process starts, so when this process lacks the flags the server wants
// (protocol/server-heap.ts) it starts one more Node process with them on the same stdin, stdout and stderr and
// passes on its exit status; the editor talks to that process directly.

import { spawn } from 'node:child_process';
import { MAX_SERVER_YOUNG_GENERATION_MB, relaunchArgs, serverHeapFlags } from '../protocol/server-heap';
import { countOption, UsageError, type ParsedArgs } from './args';

/** Signals an editor sends to stop its server: passed on, so the server ends with this process. */
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Node's exit status for an option it does not know (the server itself never exits with it). */
const BAD_OPTION_STATUS = 9;

export function lspCommand(args: ParsedArgs): Promise<number> {
  const megabytes = countOption(args.options, 'young-generation-mb');
  if (megabytes !== undefined && megabytes > MAX_SERVER_YOUNG_GENERATION_MB) {
    throw new UsageError(`--young-generation-mb must be at most ${MAX_SERVER_YOUNG_GENERATION_MB}, got ${megabytes}`, 'lsp');
  }
  const flags = serverHeapFlags(megabytes);
  const relaunch = relaunchArgs(flags, process.execArgv, process.argv);
  if (!relaunch) return serveHere();
  return new Promise<number>((resolve) => {
    const child = spawn(process.execPath, relaunch, { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
    for (const s of FORWARDED_SIGNALS) process.on(s, forward);
    const fallBack = (why: string): void => {
      // This Node cannot start another, or rejects the flags before running anything: serve here with the heap it has.
      process.stderr.write(`stride lsp: could not start the server with ${flags.join(' ')} (${why}); serving with Node's default heap\n`);
      for (const s of FORWARDED_SIGNALS) process.off(s, forward);
      void serveHere();
    };
    child.on('error', (error) => fallBack(error.message));
    child.on('exit', (code, signal) => {
      if (code === BAD_OPTION_STATUS) return fallBack(`status ${code}: an option this Node does not know`);
      resolve(code ?? (signal ? 128 + signalNumber(signal) : 1));
    });
  });
}

/** Serves in this process; the promise never settles, the server exits the process when the client goes. */
function serveHere(): Promise<number> {
  // Loaded lazily: check and summary must not pay for the server's dependencies.
  const server = require('../server/stdio') as { runStdioServer: () => void };
  server.runStdioServer();
  return new Promise<number>(() => undefined);
}

function signalNumber(signal: NodeJS.Signals): number {
  return (require('node:os') as typeof import('node:os')).constants.signals[signal] ?? 0;
}
