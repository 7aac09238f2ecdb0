// The language server's young generation: how large V8 may let it grow, as flags for the server's Node process.
//
// An analysis allocates ~5 KB per layer and keeps about a fifth of it until the next one replaces it. With Node's
// default young generation (16 MB semi-spaces) an analysis of a few thousand layers outgrows it, so what it keeps is
// copied to the old generation, onto pages the engine has just mapped: on a virtual machine the first touch of each
// page costs ~10 µs, most of a 10,000-layer analysis (bench/README.md, "A young generation the analysis fits in").
// With room for a whole analysis, the young generation's pages are reused and an analysis touches no fresh memory.

/** Largest semi-space of the server's young generation, in MB, unless the setting says otherwise. */
export const DEFAULT_SERVER_YOUNG_GENERATION_MB = 128;

/** Setting key, relative to the `stride` section: read by the client when it starts the server. */
export const SERVER_YOUNG_GENERATION_KEY = 'server.youngGenerationMB';

/** Largest value the setting accepts: V8 keeps two semi-spaces, so the young generation alone may reach twice this. */
export const MAX_SERVER_YOUNG_GENERATION_MB = 1024;

/**
 * V8 flags for a server whose semi-spaces may grow to `megabytes` (0: Node's own sizing, no flags). Anything but an
 * integer in [0, MAX] falls back to the default, so a bad settings file never keeps the server from starting. The
 * growth factor lets the young generation reach its size after a few collections instead of doubling its way up.
 */
export function serverHeapFlags(megabytes: unknown): string[] {
  const valid = typeof megabytes === 'number' && Number.isInteger(megabytes) && megabytes >= 0 && megabytes <= MAX_SERVER_YOUNG_GENERATION_MB;
  const mb = valid ? megabytes : DEFAULT_SERVER_YOUNG_GENERATION_MB;
  return mb === 0 ? [] : [`--max-semi-space-size=${mb}`, '--semi-space-growth-factor=8'];
}

/** The young-generation flags among a process's Node arguments (`process.execArgv`). */
export function heapFlagsIn(execArgv: readonly string[]): string[] {
  return execArgv.filter((a) => a.includes('semi-space'));
}

/** The young-generation flags a process was started with, for its start-up log line. */
export function heapFlagsOf(execArgv: readonly string[]): string {
  const flags = heapFlagsIn(execArgv);
  return flags.length > 0 ? flags.join(' ') : "Node's default";
}

/**
 * Node arguments that run the same script again with `flags` (`execArgv` and `argv` are the process's), or undefined
 * when there is nothing to do: no flags wanted, this process already has heap flags of its own, or no script to run.
 */
export function relaunchArgs(flags: readonly string[], execArgv: readonly string[], argv: readonly string[]): string[] | undefined {
  const script = argv[1];
  if (flags.length === 0 || heapFlagsIn(execArgv).length > 0 || !script) return undefined;
  return [...execArgv, ...flags, script, ...argv.slice(2)];
}
