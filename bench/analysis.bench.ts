// Analysis benchmark: median and p90 time of analyze() on generated 1,000- to 100,000-layer models, split by phase;
// with BENCH_BASELINE=<another build's out/ folder> the same models also go through that build's analyze(), in turns.
// The two builds share one V8 heap and its object shapes: a change to what kind of value a field holds (a small
// integer or a boxed number) leaks from one build to the other, so compare such changes in separate processes.

import * as os from 'node:os';
import * as fs from 'node:fs';
import { analyze } from '../core/analyze';
import type { Diagnostic } from '../core/diagnostics';
import { inferModel } from '../core/model/infer';
import { defaultRegistry } from '../core/model/layers';
import { libraryBlocks } from '../core/model/library';
import { lowerModel } from '../core/model/lower';
import type * as ast from '../core/syntax/ast';
import { lex } from '../core/syntax/lexer';
import { parse } from '../core/syntax/parser';
import { mixed, plainChain } from './generated-models';
import { heapComparison } from './server-heap';

interface Stats {
  readonly median: number;
  readonly p90: number;
  /** Median CPU time of the process (all threads, so parallel GC counts): less sensitive to a busy machine. */
  readonly cpu: number;
  /** Median minor page faults per run: memory the heap touched for the first time (see `faultCost`). */
  readonly faults: number;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
const faultCount = () => process.resourceUsage().minorPageFault;

/** What one page fault costs here: µs per 4 KiB page when fresh memory is first touched (64 MiB, best of 3). */
function faultCost(): number {
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const f = faultCount();
    const t = performance.now();
    const bytes = new Uint8Array(64 << 20);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1;
    best = Math.min(best, ((performance.now() - t) * 1000) / Math.max(1, faultCount() - f));
  }
  return best;
}

function summarize(wall: number[], cpu: number[], faults: number[]): Stats {
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  faults.sort((a, b) => a - b);
  return { median: quantile(wall, 0.5), p90: quantile(wall, 0.9), cpu: quantile(cpu, 0.5), faults: quantile(faults, 0.5) };
}

function time(fn: () => void, repeats: number): Stats {
  const wall: number[] = [];
  const cpu: number[] = [];
  const faults: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const f = faultCount();
    const t = performance.now();
    const c = cpuMs();
    fn();
    cpu.push(cpuMs() - c);
    wall.push(performance.now() - t);
    faults.push(faultCount() - f);
  }
  return summarize(wall, cpu, faults);
}

/** Phase split with the same functions analyze() calls: lexing, parsing, lowering, inference. */
function phases(text: string, repeats: number): Record<string, Stats> {
  const parsed = parse(text);
  const blocks = new Map(parsed.file.items.filter((i): i is ast.BlockDecl => i.kind === 'block').map((b) => [b.name.name, b]));
  const models = parsed.file.items.filter((i): i is ast.ModelDecl => i.kind === 'model');
  const lower = () => models.map((m) => lowerModel(m, { text, registry: defaultRegistry, blocks, library: libraryBlocks(), diagnostics: [] as Diagnostic[] }));
  const graphs = lower();
  return {
    lex: time(() => lex(text), repeats),
    'lex+parse': time(() => parse(text), repeats),
    lower: time(lower, repeats),
    infer: time(() => graphs.forEach((g) => inferModel(g, text, [])), repeats),
  };
}

function machine(): string {
  const cpu = fs.existsSync('/proc/cpuinfo') ? (/model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '?') : os.cpus()[0]?.model;
  return `${cpu}, ${os.availableParallelism()} cores (nproc), Node ${process.version}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const fmt = (s: Stats) => `${s.median.toFixed(2)} / ${s.p90.toFixed(2)}`;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

type Analyze = (text: string) => unknown;

/** Another build's analyze() (e.g. the main branch's out/ folder), to compare in the same run on the same machine. */
function baseline(): Analyze | undefined {
  const dir = process.env.BENCH_BASELINE;
  if (!dir) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(`${dir}/core/analyze`) as { analyze: Analyze }).analyze;
}

/** Times `fns` in turns (one call of each per round), so a machine whose load changes treats them alike. */
function timeInTurns(fns: readonly Analyze[], text: string, repeats: number): Stats[] {
  const samples = fns.map(() => ({ wall: [] as number[], cpu: [] as number[], faults: [] as number[] }));
  // Each build keeps its previous result alive while it makes the next, as the language server does.
  const kept: unknown[] = fns.map(() => undefined);
  for (let i = 0; i < repeats; i++) {
    fns.forEach((fn, k) => {
      const f = faultCount();
      const t = performance.now();
      const c = cpuMs();
      kept[k] = fn(text);
      samples[k].cpu.push(cpuMs() - c);
      samples[k].wall.push(performance.now() - t);
      samples[k].faults.push(faultCount() - f);
    });
  }
  return samples.map(({ wall, cpu, faults }) => summarize(wall, cpu, faults));
}

const MODELS = [
  ['plain chain', plainChain],
  ['blocks + chains', mixed],
] as const;

function main(): void {
  const before = baseline();
  console.log(`Machine: ${machine()}; load average before: ${load()}`);
  console.log('Times in ms, wall-clock median / p90 over the repeats (after a warm-up); CPU = median process CPU time;');
  console.log(`faults = median minor page faults per analysis; first touch of fresh memory costs ${faultCost().toFixed(2)} µs per 4 KiB page here.`);
  if (before) console.log(`"before" is ${process.env.BENCH_BASELINE}'s analyze(), timed in turns with this build's.`);
  const head = `| model | layers | lines | analyze | analyze CPU | faults |${before ? ' before | before CPU | before faults |' : ''} lex | lex+parse | lower | infer |`;
  console.log(`\n${head}\n${head.replace(/[^|]+/g, '---')}`);
  for (const size of [1_000, 10_000, 100_000]) {
    for (const [name, gen] of MODELS) {
      // A file may hold 100,000 layers (LIMITS.layers); the mixed model overshoots its size by up to 14.
      const text = gen(size === 100_000 && gen === mixed ? size - 20 : size);
      const a = analyze(text);
      const layers = a.models.reduce((n, m) => n + m.graph.nodes.length, 0);
      if (a.diagnostics.length > 0) throw new Error(`generated ${name} model has diagnostics: ${a.diagnostics[0].message}`);
      const repeats = size <= 1_000 ? 200 : size <= 10_000 ? 30 : 6;
      const fns: Analyze[] = before ? [analyze, before] : [analyze];
      timeInTurns(fns, text, Math.ceil(repeats / 2)); // warm-up
      const [total, old] = timeInTurns(fns, text, repeats);
      const p = phases(text, repeats);
      const was = old ? ` ${fmt(old)} | ${old.cpu.toFixed(2)} | ${old.faults} |` : '';
      console.log(
        `| ${name} | ${layers} | ${text.split('\n').length} | ${fmt(total)} | ${total.cpu.toFixed(2)} | ${total.faults} |${was} ${fmt(p.lex)} | ${fmt(p['lex+parse'])} | ${fmt(p.lower)} | ${fmt(p.infer)} |`,
      );
    }
  }
  heapComparison();
  console.log(`\nLoad average after: ${load()}`);
}

main();
