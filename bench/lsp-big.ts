// The language server on a 1 MB, 100,000-layer file: a keystroke then a hover on the edited line, the diagnostics of
// that version, and stride/modelGraph (time and JSON size); optionally against another build's server, in turns.

import * as os from 'node:os';
import { connect, stats, type StartServer } from './lsp.bench';
import { startServer } from '../server/server';

const LAYERS = 100_000;
const KEYSTROKES = 8;
/** The editor's default quiet time before diagnostics (`stride.diagnostics.delayMs`): a hover comes before it ends. */
const DELAY_MS = 150;

/** `input(16)` then dense / relu, one per line with a one-space indent: 100,000 layers in just under 1 MB. */
function bigFile(): string {
  const lines = ['model Big {', ' input(16)'];
  for (let i = 1; i < LAYERS; i++) lines.push(i % 2 === 1 ? ' dense(8)' : ' relu()');
  lines.push('}', '');
  return lines.join('\n');
}

interface Samples {
  readonly hover: number[];
  /** CPU time of this process (client and server) from the keystroke to the hover's answer: wall time minus waiting. */
  readonly hoverCpu: number[];
  readonly diagnostics: number[];
  readonly graph: number[];
  readonly graphBytes: number[];
  /** Hovers right after a keystroke whose answer differed from the same hover once the version was analysed. */
  mismatches: number;
}

/** One server: open the file, then keystrokes spread over it, each followed by a hover there and the graph. */
async function measure(start: StartServer, samples: Samples): Promise<void> {
  const { rpc, diagnostics } = await connect(start, DELAY_MS);
  const uri = 'file:///bench/big-100k.stride';
  const published = (v: number) => new Promise<void>((resolve) => diagnostics.set(v, () => resolve()));
  const opened = published(1);
  rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'stride', version: 1, text: bigFile() } });
  await opened;
  for (let i = 0; i < KEYSTROKES; i++) {
    // A dense(8) line somewhere in the file (0-based lines 2, 4, …): its unit count changes by one keystroke.
    const line = 2 + 2 * Math.floor(((i + 0.5) / KEYSTROKES) * (LAYERS / 2 - 2));
    const version = i + 2;
    const done = published(version);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: 7 }, end: { line, character: 8 } }, text: String(1 + (i % 7)) }],
    });
    const hoverAt = { textDocument: { uri }, position: { line, character: 3 } };
    const early = await rpc.sendRequest('textDocument/hover', hoverAt);
    samples.hover.push(performance.now() - t0);
    const cpu = process.cpuUsage(c0);
    samples.hoverCpu.push((cpu.user + cpu.system) / 1000);
    await done;
    samples.diagnostics.push(performance.now() - t0);
    const analysed = await rpc.sendRequest('textDocument/hover', hoverAt);
    if (early === null || JSON.stringify(early) !== JSON.stringify(analysed)) samples.mismatches++;
    const g0 = performance.now();
    const graph = await rpc.sendRequest('stride/modelGraph', { uri });
    samples.graph.push(performance.now() - g0);
    samples.graphBytes.push(JSON.stringify(graph).length);
  }
  rpc.dispose();
}

const empty = (): Samples => ({ hover: [], hoverCpu: [], diagnostics: [], graph: [], graphBytes: [], mismatches: 0 });

function report(label: string, s: Samples): void {
  console.log(`${label} keystroke → hover on that line:   ${stats(s.hover)} · ${s.mismatches} differ from the analysed hover`);
  console.log(`${label} keystroke → hover, CPU time:     ${stats(s.hoverCpu)}`);
  console.log(`${label} keystroke → its diagnostics:     ${stats(s.diagnostics)} (includes the ${DELAY_MS} ms quiet time)`);
  console.log(`${label} stride/modelGraph (analysed):    ${stats(s.graph)} · ${(s.graphBytes[0] / 1e6).toFixed(2)} MB of JSON`);
}

export async function bigFileKeystrokes(): Promise<void> {
  const dir = process.env.BENCH_BASELINE;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const before = dir ? (require(`${dir}/server/server`) as { startServer: StartServer }).startServer : undefined;
  const now = empty();
  const was = empty();
  for (let round = 0; round < 2; round++) {
    await measure(startServer, now);
    if (before) await measure(before, was);
  }
  console.log(`\n# ${LAYERS}-layer file (${bigFile().length} characters), load average ${os.loadavg()[0].toFixed(1)}`);
  report('this build:', now);
  if (before) report(`${dir}:`, was);
}

// `node out/bench/lsp-big.js` runs this part alone.
if (require.main === module) void bigFileKeystrokes();
