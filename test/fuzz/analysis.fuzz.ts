// The analysis fuzz tier: nesting and repetition bombs, call chains and random programs, driven by a seed and a count.
// `node out/test/fuzz/analysis.fuzz.js --seed 7 --iterations 2000` (or STRIDE_FUZZ_SEED / STRIDE_FUZZ_ITERATIONS)
// is the long tier; analysis-fuzz.test.ts runs a short one.

import { analyze } from '../../core/analyze';
import { LIMITS } from '../../core/model/budget';
import { analysisProblems } from '../helpers/invariants';
import { Prng } from '../helpers/prng';
import { analysisCase } from './analysis-cases';
import { fuzzMain } from './main';

/** How each input ended: tallies by family and outcome, the slowest input, and every broken invariant. */
export interface AnalysisFuzzReport {
  readonly outcomes: Record<string, number>;
  readonly failures: string[];
  slowestMs: number;
}

/** CPU time, not wall time, so a busy machine does not look like a hang. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Far above what any bounded input costs, far below "never returns". */
const HANG_MS = 30_000;

/** What a finished analysis must satisfy whatever the input: spans inside the text and every budget respected. */
function budgetProblems(text: string): { problems: string[]; outcome: string } {
  const a = analyze(text);
  const problems = analysisProblems(a);
  const nodes = a.models.flatMap((m) => m.graph.nodes);
  if (nodes.length > LIMITS.layers) problems.push(`${nodes.length} layers, over the limit`);
  const characters = nodes.reduce((s, n) => s + n.name.length, 0);
  if (characters > LIMITS.nameCharacters) problems.push(`${characters} name characters, over the limit`);
  for (const m of a.models) {
    // Generated names (`kind_n` under instance prefixes) are unique; a user's duplicate target is diagnosed instead.
    const generated = m.graph.nodes.filter((n) => !n.target).map((n) => n.name);
    if (new Set(generated).size !== generated.length) problems.push(`model ${m.graph.name}: generated names repeat`);
  }
  const codes = new Set(a.diagnostics.map((d) => d.code));
  return { problems, outcome: codes.has('too-large') ? 'too-large' : codes.has('cycle') ? 'cycle' : codes.size > 0 ? 'other diagnostics' : 'clean' };
}

/** Analyses `iterations` generated inputs from `seed`. */
export function fuzzAnalysis(seed: number, iterations: number): AnalysisFuzzReport {
  const random = new Prng(seed);
  const report: AnalysisFuzzReport = { outcomes: {}, failures: [], slowestMs: 0 };
  for (let i = 0; i < iterations; i++) {
    const c = analysisCase(random);
    const started = cpuMs();
    let result: { problems: string[]; outcome: string };
    try {
      result = budgetProblems(c.text);
    } catch (e) {
      result = { problems: [`threw ${e instanceof Error ? `${e.name}: ${e.message.slice(0, 200)}` : String(e)}`], outcome: 'THREW' };
    }
    const ms = cpuMs() - started;
    report.slowestMs = Math.max(report.slowestMs, ms);
    if (ms > HANG_MS) result.problems.push(`took ${ms.toFixed(0)} ms of CPU time`);
    const key = `${c.family}: ${result.outcome}`;
    report.outcomes[key] = (report.outcomes[key] ?? 0) + 1;
    for (const p of result.problems) report.failures.push(`seed ${seed} input ${i} (${c.family}, ${c.text.length} chars): ${p}`);
  }
  return report;
}

if (require.main === module) {
  fuzzMain('analysis', 500, (seed, iterations) => {
    const r = fuzzAnalysis(seed, iterations);
    return { ...r, notes: [`slowest input: ${r.slowestMs.toFixed(0)} ms of CPU time`] };
  });
}
