// The language server's heap (protocol/server-heap.ts) against Node's default: each configuration analyses the same
// generated models in its own Node process, the two in turns, as the server does (the previous result kept alive
// while the next is made). Run by `npm run bench` after the in-process table; `node out/bench/server-heap.js` alone
// runs just this comparison.

import { spawnSync } from 'node:child_process';
import { analyze } from '../core/analyze';
import { DEFAULT_SERVER_YOUNG_GENERATION_MB, heapFlagsIn, relaunchArgs, serverHeapFlags } from '../protocol/server-heap';
import { mixed, plainChain } from './generated-models';

const GENERATORS = { 'plain chain': plainChain, 'blocks + chains': mixed } as const;
type ModelName = keyof typeof GENERATORS;

/** What one child process measured. */
interface ChildResult {
  readonly median: number;
  readonly cpu: number;
  readonly faults: number;
  readonly fastest: number;
  /** Peak resident memory of the process, MB. */
  readonly peakRss: number;
}

const CASES: readonly (readonly [ModelName, number, number])[] = [
  // model, layers, analyses measured (after a warm-up of a quarter as many, at least 8)
  ['plain chain', 1_000, 100],
  ['plain chain', 3_000, 40],
  ['plain chain', 10_000, 30],
  ['blocks + chains', 10_000, 30],
  ['plain chain', 100_000, 6],
];
const ROUNDS = 3;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** In a child: analyse one model `repeats` times after a warm-up, keeping the previous result, and print the figures. */
function child(model: ModelName, layers: number, repeats: number): void {
  const text = GENERATORS[model](layers);
  let kept: unknown = undefined;
  for (let i = 0; i < Math.max(8, repeats >> 2); i++) kept = analyze(text);
  const wall: number[] = [];
  const cpu: number[] = [];
  const faults: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const f = process.resourceUsage().minorPageFault;
    const c = process.cpuUsage();
    const t = performance.now();
    kept = analyze(text);
    wall.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    faults.push(process.resourceUsage().minorPageFault - f);
  }
  const result: ChildResult & { kept: boolean } = {
    median: median(wall),
    cpu: median(cpu),
    faults: median(faults),
    fastest: Math.min(...wall),
    peakRss: process.resourceUsage().maxRSS / 1024,
    kept: kept !== undefined,
  };
  console.log(JSON.stringify(result));
}

function runChild(flags: readonly string[], model: ModelName, layers: number, repeats: number): ChildResult {
  const run = spawnSync(process.execPath, [...flags, __filename, 'child', model, String(layers), String(repeats)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`analysis child (${flags.join(' ') || 'default heap'}) failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as ChildResult;
}

const range = (xs: readonly number[], digits = 1): string => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

/** Prints the comparison table: per configuration the median of the children's medians, with their range. */
export function heapComparison(): void {
  const server = serverHeapFlags(DEFAULT_SERVER_YOUNG_GENERATION_MB);
  const configs = [
    ['default', [] as string[]],
    ['server', server],
  ] as const;
  console.log(`\nAs the language server runs it (${server.join(' ')}) against Node's default heap: one process per`);
  console.log(`configuration and model, the two in turns, ${ROUNDS} rounds; median of the processes' medians (range), ms.`);
  const head = '| model | layers | default | server | default / server | CPU default / server | faults default / server | peak RSS MB default / server |';
  console.log(`\n${head}\n${head.replace(/[^|]+/g, '---')}`);
  for (const [model, layers, repeats] of CASES) {
    const results = { default: [] as ChildResult[], server: [] as ChildResult[] };
    for (let round = 0; round < ROUNDS; round++) for (const [name, flags] of configs) results[name].push(runChild(flags, model, layers, repeats));
    const pick = (name: keyof typeof results, key: keyof ChildResult): number[] => results[name].map((r) => r[key]);
    const [d, s] = [median(pick('default', 'median')), median(pick('server', 'median'))];
    const pair = (key: keyof ChildResult, digits: number): string =>
      `${median(pick('default', key)).toFixed(digits)} / ${median(pick('server', key)).toFixed(digits)}`;
    console.log(
      `| ${model} | ${layers} | ${d.toFixed(1)} (${range(pick('default', 'median'))}) | ${s.toFixed(1)} (${range(pick('server', 'median'))}) | ${(d / s).toFixed(2)}× | ${pair('cpu', 1)} | ${pair('faults', 0)} | ${pair('peakRss', 0)} |`,
    );
  }
}

if (require.main === module) {
  const [mode, model, layers, repeats] = process.argv.slice(2);
  if (mode === 'child') child(model as ModelName, Number(layers), Number(repeats));
  else heapComparison();
}

/**
 * For benchmarks that run the server in their own process: with BENCH_HEAP=server, runs this script again in a process
 * with the server's heap flags and exits with its status (true: the caller must not go on); otherwise false.
 */
export function rerunInServerHeap(): boolean {
  const relaunch = relaunchArgs(serverHeapFlags(DEFAULT_SERVER_YOUNG_GENERATION_MB), process.execArgv, process.argv);
  if (process.env.BENCH_HEAP !== 'server' || !relaunch) return false;
  const run = spawnSync(process.execPath, relaunch, { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
  return true;
}

/** The heap a benchmark's process runs with, for its header line. */
export function heapLabel(): string {
  const flags = heapFlagsIn(process.execArgv);
  return flags.length > 0 ? `server heap (${flags.join(' ')})` : "Node's default heap";
}
