// Protocol fuzz: thousands of random edits and malformed requests; the server must answer every request, in time, without internal errors.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Prng } from '../helpers/prng';
import { TestClient } from './harness';
import { BROKEN, NET } from './fixtures';

const EDITS = Number(process.env.STRIDE_FUZZ_EDITS ?? 3000);
/** Generous: the point is "answers at all", not speed (benchmarks measure speed). */
const ANSWER_WITHIN_MS = 10_000;
const SNIPPETS = [
  'conv2d(',
  ')',
  '(',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '->',
  ' × 3',
  ' x 2',
  '\n',
  '\n  ',
  '  ',
  '=',
  'skip',
  'in',
  'relu()',
  'add(skip)',
  'block b(f) {\n',
  'model X {\n',
  'train X {',
  'input(8, 8, 1)\n',
  '#',
  '## doc\n',
  '"',
  "'",
  '😀',
  '\r\n',
  '\t',
  '-',
  '1e',
  '999999999999',
  '0',
  '-1',
  'padding: same',
  'dense(10)',
  'flatten()',
  'basic(16)',
  'output(',
  '×',
  ';',
  '\u0000',
  'é',
];

const REQUESTS = [
  'textDocument/hover',
  'textDocument/completion',
  'textDocument/signatureHelp',
  'textDocument/definition',
  'textDocument/references',
  'textDocument/documentHighlight',
  'textDocument/prepareRename',
  'textDocument/rename',
  'textDocument/documentSymbol',
  'textDocument/foldingRange',
  'textDocument/selectionRange',
  'textDocument/semanticTokens/full',
  'textDocument/formatting',
  'textDocument/codeAction',
  'textDocument/codeLens',
  'textDocument/inlayHint',
  'stride/modelGraph',
  'stride/summary',
] as const;

function seeds(): string[] {
  const dir = join(__dirname, '..', '..', '..', 'examples');
  const examples = readdirSync(dir)
    .filter((f) => f.endsWith('.stride'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
  return [NET, BROKEN, '', ...examples];
}

interface Doc {
  uri: string;
  text: string;
  version: number;
}

/** Offset → LSP position over the mirror text: UTF-16 columns; `\n`, `\r\n` and a lone `\r` end lines (LSP). */
function position(text: string, offset: number): { line: number; character: number } {
  const lines = text.slice(0, offset).split(/\r\n|\r|\n/);
  // An offset between `\r` and `\n` is not a valid position; editors never send it, and the edits below avoid it.
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

let client: TestClient;
const rng = new Prng(Number(process.env.STRIDE_FUZZ_SEED ?? 20241125));
before(async () => {
  client = await TestClient.start({ settings: { diagnostics: { delayMs: 0 } } });
});
after(() => client.stop());

const answered = async (method: string, params: unknown): Promise<{ ok: boolean; error?: string }> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${method} did not answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
  });
  try {
    await Promise.race([client.request(method, params), timeout]);
    return { ok: true };
  } catch (error) {
    if (error instanceof Error && error.message.includes('did not answer')) throw error;
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
};

const mutate = (doc: Doc): void => {
  const roll = rng.next();
  if (roll < 0.03) {
    // An out-of-order version: the server must ignore it, the mirror stays as it is.
    client.change(doc.uri, doc.version - 1 - rng.int(3), [{ text: 'ignored' }]);
    return;
  }
  doc.version++;
  if (roll < 0.06) {
    doc.text = rng.pick(seeds());
    client.change(doc.uri, doc.version, [{ text: doc.text }]);
    return;
  }
  const start = rng.int(doc.text.length + 1);
  const end = Math.min(doc.text.length, start + (rng.next() < 0.5 ? 0 : rng.int(12)));
  let insert = '';
  for (let k = rng.int(3); k >= 0; k--) insert += rng.pick(SNIPPETS);
  if (rng.next() < 0.3) insert = '';
  // Never split a surrogate pair or a `\r\n`: editors do not, and such a position has no LSP equivalent.
  const splits = (o: number) => o > 0 && o < doc.text.length && (/[\uDC00-\uDFFF]/.test(doc.text[o]) || (doc.text[o - 1] === '\r' && doc.text[o] === '\n'));
  const safe = (o: number) => (splits(o) ? o - 1 : o);
  const s = safe(start);
  const e = Math.max(s, safe(end));
  client.change(doc.uri, doc.version, [{ range: { start: position(doc.text, s), end: position(doc.text, e) }, text: insert }]);
  doc.text = doc.text.slice(0, s) + insert + doc.text.slice(e);
};

const randomPosition = (doc: Doc): unknown => {
  const r = rng.next();
  if (r < 0.05) return { line: -1, character: -5 };
  if (r < 0.1) return { line: 1e9, character: 1e9 };
  if (r < 0.12) return { line: 'x', character: null };
  if (r < 0.14) return null;
  return position(doc.text, rng.int(doc.text.length + 1));
};

const randomRequest = async (doc: Doc): Promise<void> => {
  const method = rng.pick(REQUESTS);
  const uri = rng.next() < 0.05 ? 'file:///fuzz/unknown.stride' : doc.uri;
  const pos = randomPosition(doc);
  const params: Record<string, unknown> = {
    textDocument: rng.next() < 0.03 ? undefined : { uri },
    uri,
    position: pos,
    positions: [pos, randomPosition(doc)],
    range: { start: randomPosition(doc), end: randomPosition(doc) },
    context: { includeDeclaration: true, diagnostics: [] },
    newName: rng.pick(['renamed', '1bad', 'conv2d', 'in', '', 'ok_name']),
    options: { tabSize: 2, insertSpaces: true },
  };
  const result = await answered(method, params);
  // Only rename may refuse a request (an invalid or clashing name); anything else is an unhandled failure.
  if (!result.ok) assert.equal(method, 'textDocument/rename', `${method} failed: ${result.error}`);
};

describe('protocol fuzz: random edits and requests', () => {
  it(`survives ${EDITS} random edits interleaved with random and malformed requests`, async () => {
    const docs: Doc[] = seeds().map((text, i) => ({ uri: `file:///fuzz/${i}.stride`, text, version: 1 }));
    for (const d of docs) client.open(d.uri, d.text, d.version);
    for (let i = 0; i < EDITS; i++) {
      const doc = rng.pick(docs);
      mutate(doc);
      if (rng.next() < 0.5) await randomRequest(doc);
      if (i % 500 === 0) await answered('nonexistent/method', { what: 'ever' });
    }
    // A round trip: the server handles messages in order, so every change above has been applied after it.
    await client.request('textDocument/hover', { textDocument: { uri: docs[0].uri }, position: { line: 0, character: 0 } });
    for (const d of docs) {
      const snap = client.server.store.snapshot(d.uri)!;
      assert.equal(snap.version, d.version, `${d.uri}: latest version applied`);
      assert.equal(snap.analysis.text, d.text, `${d.uri}: incremental edits reproduce the text`);
    }
    const internal = client.logs.filter((l) => l.includes('request failed') || l.includes('analysis failed'));
    assert.deepEqual(internal, [], 'no internal errors were swallowed');
  });
});

describe('protocol fuzz: malformed messages', () => {
  it('answers malformed notifications and requests without dying', async () => {
    client.rpc.sendNotification('textDocument/didOpen', { textDocument: null });
    client.rpc.sendNotification('textDocument/didOpen', {});
    client.rpc.sendNotification('textDocument/didChange', { textDocument: { uri: 42 }, contentChanges: 'nope' });
    client.rpc.sendNotification('textDocument/didClose', {});
    // Edits with ranges outside the document, reversed or of the wrong type are clamped, never fatal.
    const odd = 'file:///fuzz/odd-edits.stride';
    await client.openAndWait(odd, NET);
    client.change(odd, 2, [{ range: { start: { line: -4, character: -1 }, end: { line: 1e9, character: 1e9 } }, text: 'model Z {\n  input(4)\n}\n' }]);
    client.change(odd, 3, [{ range: { start: { line: 1, character: 9 }, end: { line: 1, character: 8 } }, text: '8' }]);
    client.rpc.sendNotification('textDocument/didChange', { textDocument: { uri: odd, version: 4 }, contentChanges: [{ range: null, text: 5 }] });
    const oddHover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: odd },
      position: { line: 0, character: 7 },
    });
    assert.ok(oddHover?.contents.value.includes('model Z'), 'the clamped edits applied; the malformed one was dropped');
    assert.equal(client.server.store.snapshot(odd)?.analysis.text, 'model Z {\n  input(8)\n}\n');
    assert.equal(client.server.store.version(odd), 3);
    assert.ok(client.logs.some((l) => l.includes('version 4: malformed change')));
    client.rpc.sendNotification('workspace/didChangeConfiguration', { settings: { stride: { memoryBatchSize: 'lots' } } });
    for (const method of REQUESTS) {
      const r = await answered(method, {});
      assert.ok(r.ok || method === 'textDocument/rename', `${method}: ${r.error}`);
    }
    assert.equal((await answered('stride/checkFiles', { files: 'not a list' })).ok, true);
    assert.equal((await answered('stride/checkFiles', { files: [{ uri: 3 }, null, { uri: 'file:///fuzz/c.stride', text: '((((' }] })).ok, true);
    const net = 'file:///fuzz/alive.stride';
    await client.openAndWait(net, NET);
    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri: net },
      position: { line: 8, character: 7 },
    });
    assert.ok(hover.contents.value.includes('96,266'), 'still fully working');
  });
});

describe('protocol fuzz: huge inputs', () => {
  it('bounds work on huge inputs: deep nesting, long lines, a very large file', async () => {
    const deep = `model M {\n  input(${'('.repeat(5000)}1${')'.repeat(5000)})\n}\n`;
    const long = `model M {\n  input(8, 8, 1)\n${'  relu()'.repeat(20000)}\n}\n`;
    const huge = `model M {\n  input(8, 8, 1)\n${'  relu()\n'.repeat(120_000)}}\n`;
    for (const [i, text] of [deep, long, huge].entries()) {
      const uri = `file:///fuzz/huge-${i}.stride`;
      const published = await client.openAndWait(uri, text);
      // Past the size limit the server answers from an empty analysis and says so, instead of analysing.
      assert.equal(
        published.diagnostics.some((d) => d.code === 'file-too-large'),
        text.length > 1_000_000,
        `${uri}: ${text.length} characters`,
      );
      for (const method of REQUESTS) {
        const r = await answered(method, {
          textDocument: { uri },
          uri,
          position: { line: 1, character: 10 },
          positions: [{ line: 1, character: 10 }],
          range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } },
          context: { diagnostics: [] },
          newName: 'zz',
          options: {},
        });
        assert.ok(r.ok || method === 'textDocument/rename', `${method}: ${r.error}`);
      }
    }
    assert.deepEqual(
      client.logs.filter((l) => l.includes('request failed')),
      [],
    );
  });
});
