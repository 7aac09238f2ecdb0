// Framing errors over a real stdio server: every one is answered or skipped, and the next good request is answered.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RawLsp } from './raw-lsp';

const frame = (body: string, length = Buffer.byteLength(body)) => `Content-Length: ${length}\r\n\r\n${body}`;
const hoverBody = (id: number) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'textDocument/hover',
    params: { textDocument: { uri: 'file:///f.stride' }, position: { line: 2, character: 3 } },
  });

// One stdio server for the file: after each broken message, an ordinary request must still be answered.
let lsp: RawLsp;
let id = 100;
before(async () => {
  lsp = new RawLsp();
  await lsp.request(1, 'initialize', { processId: null, rootUri: null, capabilities: {} });
  lsp.send({ method: 'initialized', params: {} });
  lsp.send({
    method: 'textDocument/didOpen',
    params: { textDocument: { uri: 'file:///f.stride', languageId: 'stride', version: 1, text: 'model M {\n  input(8, 8, 1)\n  relu()\n}\n' } },
  });
});
after(() => lsp.kill());

/** The server still answers an ordinary request after whatever was sent. */
async function answersNext(): Promise<void> {
  const answer = await lsp.request(++id, 'textDocument/hover', { textDocument: { uri: 'file:///f.stride' }, position: { line: 2, character: 3 } });
  assert.ok(answer.result !== undefined && lsp.alive, JSON.stringify(answer));
}

describe('malformed messages get a JSON-RPC error and leave the server listening', () => {
  it('malformed JSON gets a -32700 Parse error reply with id null', async () => {
    lsp.raw(frame('{"jsonrpc": "2.0", "id": 5, "method": '));
    const reply = await lsp.waitFor((m) => m.error?.code === -32700);
    assert.equal(reply.id, null);
    await answersNext();
  });

  it('a JSON value that is not a message gets -32600 Invalid Request', async () => {
    lsp.raw(frame('[1, 2, 3]'));
    const reply = await lsp.waitFor((m) => m.error?.code === -32600);
    assert.equal(reply.id, null);
    await answersNext();
  });
});

describe('broken headers and lengths never leave the server deaf', () => {
  it('a missing Content-Length header is skipped', async () => {
    lsp.raw(`Content-Type: application/vscode-jsonrpc\r\n\r\n`);
    await answersNext();
  });

  it('a non-numeric Content-Length is skipped', async () => {
    lsp.raw(`Content-Length: lots\r\n\r\n`);
    await answersNext();
  });

  it('a Content-Length too short is answered -32700 and the stream resyncs', async () => {
    const before = lsp.received.filter((m) => m.error?.code === -32700).length;
    lsp.raw(frame(hoverBody(++id), 20));
    await lsp.waitFor(() => lsp.received.filter((m) => m.error?.code === -32700).length > before);
    await answersNext();
  });

  it('a Content-Length too long followed by another frame: both requests are answered', async () => {
    const first = ++id;
    lsp.raw(frame(hoverBody(first), 5000));
    await answersNext();
    await lsp.waitFor((m) => m.id === first);
  });

  it('a Content-Length too long with nothing after it is given up on, not waited for forever', async () => {
    lsp.raw(frame(hoverBody(++id), 100_000));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await answersNext();
  });

  it('garbage bytes between frames are skipped', async () => {
    lsp.raw('\u0000\u0001 hello there \r\n\r\n');
    await answersNext();
  });
});
