// The command line every long fuzz tier shares: `node out/test/fuzz/X.fuzz.js --seed N --iterations M` (or the
// STRIDE_FUZZ_SEED / STRIDE_FUZZ_ITERATIONS variables), the seed printed first, the outcomes counted, exit 1 on failure.

export interface FuzzOutcome {
  readonly outcomes: Readonly<Record<string, number>>;
  readonly failures: readonly string[];
  /** Extra lines worth printing (e.g. the slowest input). */
  readonly notes?: readonly string[];
}

function argOf(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const v = Number(at >= 0 ? process.argv[at + 1] : process.env[`STRIDE_FUZZ_${name.toUpperCase()}`]);
  return Number.isSafeInteger(v) && v >= 0 ? v : fallback;
}

/** Runs one tier as a program: prints the seed (to reproduce), the outcome counts and the first failures. */
export function fuzzMain(name: string, defaultIterations: number, run: (seed: number, iterations: number) => FuzzOutcome | Promise<FuzzOutcome>): void {
  const seed = argOf('seed', Date.now() % 100000);
  const iterations = argOf('iterations', defaultIterations);
  process.stdout.write(`${name} fuzz: seed ${seed}, ${iterations} iterations\n`);
  void Promise.resolve(run(seed, iterations)).then((r) => {
    for (const [k, n] of Object.entries(r.outcomes).sort()) process.stdout.write(`  ${k}: ${n}\n`);
    for (const line of r.notes ?? []) process.stdout.write(`  ${line}\n`);
    for (const f of r.failures.slice(0, 20)) process.stdout.write(`  FAILURE ${f}\n`);
    process.exitCode = r.failures.length > 0 ? 1 : 0;
  });
}
