// Time from document text to a laid-out preview diagram (analysis + model graph + preview shape + ELK layout, as the product runs it) on large reference networks.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultCollapsed } from '../../webview/layout/collapse';
import { analyzeText } from '../../server/documents';
import { modelGraph } from '../../server/model-graph';
import { fromModelGraph } from '../../webview/layout/from-model-graph';
import { layoutGraph } from '../../webview/layout/layout';
import { DENSENET121, RESNET50 } from './networks';

const TARGET_MS = 300;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Case {
  readonly name: string;
  readonly text: string;
}

const CASES: Case[] = [
  { name: 'ResNet-18', text: fs.readFileSync(path.join(ROOT, 'examples', 'resnet18.stride'), 'utf8') },
  { name: 'ResNet-50', text: RESNET50 },
  { name: 'DenseNet-121', text: DENSENET121 },
];

/** One keystroke's worth of work: the text changes, the preview needs a new drawing with the default collapse. */
async function textToDiagram(text: string, expandAll: boolean): Promise<{ boxes: number; layers: number }> {
  const result = modelGraph(analyzeText('file:///bench.stride', 1, text), { uri: 'file:///bench.stride' });
  if (!result) throw new Error('no model in the benchmark text');
  const graph = fromModelGraph(result);
  const layout = await layoutGraph(graph, new Set(expandAll ? [] : defaultCollapsed(graph)));
  return { boxes: layout.boxes.length, layers: graph.nodes.length };
}

/** Each run edits the text (a changed comment) so nothing can be reused from the previous one. */
async function measure(c: Case, expandAll: boolean, runs: number): Promise<{ times: number[]; cpu: number[]; boxes: number; layers: number }> {
  const times: number[] = [];
  const cpu: number[] = [];
  let shape = { boxes: 0, layers: 0 };
  for (let i = 0; i < runs; i++) {
    const text = `# edit ${i}\n${c.text}`;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    shape = await textToDiagram(text, expandAll);
    const used = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    // CPU time of this process: close to the wall time an idle core would give when the machine is shared.
    cpu.push((used.user + used.system) / 1000);
  }
  return { times, cpu, ...shape };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function main(): Promise<void> {
  const rows: string[] = [];
  let failed = false;
  // The first run in a fresh process pays for loading and compiling ELK: that is the preview's first open.
  const cold = await measure(CASES[0], false, 1);
  // ELK is compiled JavaScript (GWT) that keeps getting faster for its first few dozen layouts; a preview that
  // stays open is in that steady state, so warm up on every case before measuring.
  for (const c of CASES) {
    await measure(c, false, WARMUP);
    await measure(c, true, WARMUP);
  }
  for (const c of CASES) {
    const warm = await measure(c, false, RUNS);
    const full = await measure(c, true, Math.max(3, Math.floor(RUNS / 2)));
    const ok = median(warm.times) < TARGET_MS;
    failed ||= !ok;
    rows.push(
      `| ${c.name} | ${warm.layers} | ${warm.boxes} | ${fmt(median(warm.times))} (max ${fmt(Math.max(...warm.times))}) | ${fmt(median(warm.cpu))} | ${full.boxes} | ${fmt(median(full.times))} | ${fmt(median(full.cpu))} | ${ok ? 'yes' : 'NO'} |`,
    );
  }
  console.log(`Preview: text → laid-out diagram, median of ${RUNS} runs (Node ${process.version}, ${process.arch})`);
  console.log(`First layout in a fresh process (${CASES[0].name}, includes compiling ELK): ${fmt(cold.times[0])}`);
  console.log(`Load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs at the end of the run.\n`);
  console.log(
    `| network | layers | boxes (default view) | default view | its CPU time | boxes (all expanded) | all expanded | its CPU time | < ${TARGET_MS} ms |`,
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  if (failed) process.exitCode = 1;
}

void main();
