// Language-server latency: on a 1,000-layer file, hover (analysed, and right after an edit) and diagnostics while edits
// stream in; on a 1 MB, 100,000-layer file, a keystroke answered by hover, its diagnostics, and stride/modelGraph.
// With BENCH_BASELINE=<another build's out/ folder> the big file also goes through that build's server, in turns;
// with BENCH_HEAP=server it runs in a process with the language server's heap flags (protocol/server-heap.ts).

import { PassThrough } from 'node:stream';
import * as os from 'node:os';
import {
  createConnection,
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { startServer } from '../server/server';
import { bigFileKeystrokes } from './lsp-big';
import { heapLabel, rerunInServerHeap } from './server-heap';

const LAYERS = 1000;
const HOVERS = 1000;
const EDITS = 200;

function bigModel(layers: number): string {
  const lines = ['model Big {', '  input(32, 32, 3)'];
  for (let i = 0; i < layers; i++) lines.push(i % 3 === 0 ? '  conv2d(16, 3, padding: same)' : i % 3 === 1 ? '  batchnorm()' : '  relu()');
  lines.push('}', '');
  return lines.join('\n');
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(2)} ms · p99 ${percentile(s, 99).toFixed(2)} ms · max ${s[s.length - 1].toFixed(2)} ms (n = ${s.length})`;
}

export type StartServer = typeof startServer;

export async function connect(
  start: StartServer = startServer,
  delayMs = 0,
): Promise<{ rpc: ProtocolConnection; diagnostics: Map<number, (p: PublishDiagnosticsParams) => void> }> {
  const up = new PassThrough();
  const down = new PassThrough();
  start(createConnection(new StreamMessageReader(up), new StreamMessageWriter(down)));
  const rpc = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const diagnostics = new Map<number, (p: PublishDiagnosticsParams) => void>();
  rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => diagnostics.get(p.version ?? -1)?.(p));
  rpc.listen();
  // No debounce by default: diagnostics latency then measures analysis and transport, not the quiet period.
  await rpc.sendRequest('initialize', {
    processId: null,
    rootUri: null,
    capabilities: {},
    initializationOptions: { settings: { diagnostics: { delayMs } } },
  });
  rpc.sendNotification('initialized', {});
  return { rpc, diagnostics };
}

async function main(): Promise<void> {
  const { rpc, diagnostics } = await connect();
  const uri = 'file:///bench/big.stride';
  const text = bigModel(LAYERS);
  let version = 1;
  const published = (v: number) => new Promise<void>((resolve) => diagnostics.set(v, () => resolve()));
  const opened = published(1);
  rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'stride', version, text } });
  await opened;
  /** CPU time of this process (client and server both live here) per hover: wall time minus waiting for a core. */
  const hoverCpu: number[] = [];
  const hover = async (line: number) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 4 } });
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    hoverCpu.push((cpu.user + cpu.system) / 1000);
    return wall;
  };
  for (let i = 0; i < 50; i++) await hover(2 + (i % LAYERS)); // warm-up

  const analysed: number[] = [];
  hoverCpu.length = 0;
  for (let i = 0; i < HOVERS; i++) analysed.push(await hover(2 + ((i * 7919) % LAYERS)));
  const analysedCpu = [...hoverCpu];

  const afterEdit: number[] = [];
  const diagLatency: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    // Change one layer's filter count: a realistic keystroke that invalidates the analysis.
    const line = 2 + 3 * (i % Math.floor(LAYERS / 3));
    const filters = 16 + (i % 5);
    version++;
    const done = published(version);
    const t0 = performance.now();
    rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: 9 }, end: { line, character: 11 } }, text: String(filters) }],
    });
    if (i % 2 === 0) afterEdit.push(await hover(line));
    await done;
    diagLatency.push(performance.now() - t0);
  }

  const load = os.loadavg()[0].toFixed(1);
  console.log(
    `# LSP latency, ${LAYERS}-layer model (${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, ${heapLabel()}, load average ${load}, ${new Date().toISOString().slice(0, 10)})`,
  );
  console.log(`hover, analysed:               ${stats(analysed)}`);
  console.log(`hover, analysed (CPU time):    ${stats(analysedCpu)}`);
  console.log(
    `hover right after an edit:     ${stats(afterEdit)}  (from the edited statement where it can, else it waits for the re-analysis unless diagnostics already ran it)`,
  );
  console.log(`diagnostics after an edit:     ${stats(diagLatency)}  (debounce 0 ms; the default adds 150 ms of quiet time)`);
  rpc.dispose();
  await bigFileKeystrokes();
  process.exit(0);
}

// Only when run itself: lsp-big.ts imports `connect` and `stats` from here.
if (require.main === module && !rerunInServerHeap()) void main();
