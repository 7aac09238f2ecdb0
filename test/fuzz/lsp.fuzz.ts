// The LSP fuzz tier: wild edits, every request kind, cancellations and framing errors, driven by a seed and a count.
// `node out/test/fuzz/lsp.fuzz.js --seed 7 --iterations 5000` is the long tier; lsp-fuzz.test.ts runs a short one.

import { CancellationTokenSource } from 'vscode-languageserver/node';
import { CHECK_FILES_METHOD, MODEL_GRAPH_METHOD, SUMMARY_METHOD, TRAINING_MODEL_METHOD } from '../../protocol/lsp-ext';
import { Prng } from '../helpers/prng';
import { TestClient } from '../server/harness';
import { RawLsp } from '../server/raw-lsp';
import { referenceApply, type WildChange } from '../server/reference-edits';
import { fuzzMain } from './main';

export interface FuzzReport {
  readonly outcomes: Record<string, number>;
  readonly failures: string[];
}

const URI = 'file:///fuzz/lsp.stride';
const START =
  '## A block.\nblock b(f) {\n  conv2d(f, 3, padding: same) -> relu()\n}\nmodel M {\n  input(16, 16, 3)\n  b(8) × 3\n  x = flatten()\n  dense(10)\n}\ntrain M {\n  data: shapes\n}\n';
const PIECES = ['\n', '\r', '\r\n', ' ', 'relu()', 'b(4) × 2', '}', '{', '(', ')', 'model N {', '## <img src=x> ```', 'dense(1e30)', '😀', 'x', ''];
const COORDS = [0, 1, 2, 3, 5, 8, 13, -1, NaN, 1e9, 2.5, Infinity];
const POSITIONED = [
  'textDocument/hover',
  'textDocument/completion',
  'textDocument/signatureHelp',
  'textDocument/definition',
  'textDocument/references',
  'textDocument/documentHighlight',
  'textDocument/prepareRename',
  'textDocument/rename',
];
const WHOLE = [
  'textDocument/documentSymbol',
  'textDocument/foldingRange',
  'textDocument/semanticTokens/full',
  'textDocument/formatting',
  'textDocument/codeAction',
  'textDocument/codeLens',
  'textDocument/inlayHint',
  'textDocument/selectionRange',
];
const CUSTOM = [MODEL_GRAPH_METHOD, SUMMARY_METHOD, TRAINING_MODEL_METHOD];
/** Generous: the point is "answers at all"; benchmarks measure speed. */
const ANSWER_WITHIN_MS = 10_000;

const tally = (r: FuzzReport, key: string) => (r.outcomes[key] = (r.outcomes[key] ?? 0) + 1);

function wildChange(rng: Prng): WildChange {
  const pos = () => ({ line: rng.pick(COORDS), character: rng.pick(COORDS) });
  if (rng.next() < 0.02) return { text: START };
  return { range: { start: pos(), end: pos() }, text: rng.pick(PIECES) + rng.pick(PIECES) };
}

function requestOf(rng: Prng): [string, unknown] {
  const position = { line: rng.pick(COORDS), character: rng.pick(COORDS) };
  const range = { start: position, end: { line: rng.pick(COORDS), character: rng.pick(COORDS) } };
  const textDocument = { uri: URI };
  const roll = rng.next();
  if (roll < 0.5) return [rng.pick(POSITIONED), { textDocument, position, newName: 'y', context: { includeDeclaration: true } }];
  if (roll < 0.85)
    return [rng.pick(WHOLE), { textDocument, range, positions: [position], options: { tabSize: 2, insertSpaces: true }, context: { diagnostics: [] } }];
  if (roll < 0.97) return [rng.pick(CUSTOM), { uri: URI, position }];
  return [rng.pick([CHECK_FILES_METHOD, 'textDocument/hover', 'stride/nothing']), rng.pick([null, 42, {}, { textDocument: null }, { uri: 7 }])];
}

/** Edits and requests in process: the text must equal the reference, every request must settle in time. */
export async function fuzzEditsAndRequests(rng: Prng, iterations: number, report: FuzzReport): Promise<void> {
  const client = await TestClient.start();
  let text = START;
  let version = 1;
  client.open(URI, text, version);
  try {
    for (let i = 0; i < iterations; i++) {
      // Through JSON as on the wire: Infinity and NaN arrive as null, and the reference must see what the server sees.
      const changes = JSON.parse(JSON.stringify(Array.from({ length: 1 + rng.int(3) }, () => wildChange(rng)))) as WildChange[];
      for (const c of changes) text = referenceApply(text, c);
      client.change(URI, ++version, changes as never[]);
      const pending = Array.from({ length: 1 + rng.int(3) }, () => {
        const [method, params] = requestOf(rng);
        const source = new CancellationTokenSource();
        const answer = client.rpc.sendRequest(method, params, source.token);
        if (rng.next() < 0.3) source.cancel();
        return settle(answer, method);
      });
      for (const outcome of await Promise.all(pending)) tally(report, outcome);
      const held = client.server.store.text(URI);
      if (held !== text) report.failures.push(`edit ${i}: server text diverged after ${JSON.stringify(changes)}`);
      if (held !== text) text = held ?? text;
    }
  } finally {
    await client.stop();
  }
  for (const key of Object.keys(report.outcomes)) if (key.includes('TIMEOUT') || key.includes('internal')) report.failures.push(`requests: ${key}`);
}

async function settle(answer: Promise<unknown>, method: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`TIMEOUT ${method}`), ANSWER_WITHIN_MS)));
  const outcome = answer.then(
    () => 'request: answered',
    (e: { code?: number }) =>
      e.code === -32800
        ? 'request: cancelled'
        : e.code === -32601
          ? 'request: unknown method'
          : e.code === -32602
            ? 'request: invalid params'
            : `request: internal error ${e.code}`,
  );
  const result = await Promise.race([outcome, timeout]);
  clearTimeout(timer);
  return result;
}

/** A broken frame of some kind, as bytes. */
function brokenFrame(rng: Prng, id: number): string {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'textDocument/hover',
    params: { textDocument: { uri: URI }, position: { line: 1, character: 2 } },
  });
  const length = Buffer.byteLength(body);
  return rng.pick([
    `Content-Length: ${length - 1 - rng.int(length)}\r\n\r\n${body}`,
    `Content-Length: ${length + 1 + rng.int(200)}\r\n\r\n${body}`,
    `Content-Type: x\r\n\r\n${body}`,
    `Content-Length: nope\r\n\r\n`,
    `Content-Length: 9\r\n\r\n{"jsonrpc`,
    `Content-Length: 4\r\n\r\nnull`,
    '\u0000garbage\r\n\r\n',
    `Content-Length: ${length}\r\n\r\n${body.replace('{', '[')}`,
  ]);
}

/** Framing errors over a real stdio server: after each, an ordinary request must still be answered. */
export async function fuzzFraming(rng: Prng, iterations: number, report: FuzzReport): Promise<void> {
  const lsp = new RawLsp();
  try {
    await lsp.request(1, 'initialize', { processId: null, rootUri: null, capabilities: {} });
    lsp.send({ method: 'textDocument/didOpen', params: { textDocument: { uri: URI, languageId: 'stride', version: 1, text: START } } });
    for (let i = 0; i < iterations; i++) {
      lsp.raw(brokenFrame(rng, 1_000_000 + i));
      // A body cut short of its declared length is given up on after a second; the probe after it must still land.
      try {
        await lsp.request(10 + i, 'textDocument/hover', { textDocument: { uri: URI }, position: { line: 6, character: 3 } }, ANSWER_WITHIN_MS);
        tally(report, 'framing: still answering');
      } catch (e) {
        report.failures.push(`framing ${i}: ${String(e).slice(0, 300)}`);
        return;
      }
    }
    tally(report, `framing: error replies ${lsp.received.filter((m) => m.error && m.id === null).length}`);
  } finally {
    lsp.kill();
  }
}

export async function fuzzLsp(seed: number, iterations: number): Promise<FuzzReport> {
  const rng = new Prng(seed);
  const report: FuzzReport = { outcomes: {}, failures: [] };
  await fuzzEditsAndRequests(rng, iterations, report);
  await fuzzFraming(rng, Math.max(1, Math.ceil(iterations / 20)), report);
  return report;
}

if (require.main === module) {
  fuzzMain('lsp', 2000, fuzzLsp);
}
