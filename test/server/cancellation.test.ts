// $/cancelRequest is honoured, and a request followed by a newer version is answered for the newer text.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, LSPErrorCodes, ResponseError, type Hover } from 'vscode-languageserver/node';
import { TestClient } from './harness';

const TEXT = 'model M {\n  input(8, 8, 1)\n  relu()\n}\n';

describe('cancellation and versions', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(() => client.stop());

  it('a cancelled hover answers RequestCancelled instead of doing the work', async () => {
    const uri = 'file:///cancel.stride';
    await client.openAndWait(uri, TEXT);
    const source = new CancellationTokenSource();
    const pending = client.rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 3 } }, source.token);
    source.cancel();
    await assert.rejects(pending, (e: unknown) => e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled);
    const after = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 3 } });
    assert.ok(JSON.stringify(after).includes('relu'));
  });

  it('a request followed by an edit is answered for the edited text, not the outdated one', async () => {
    const uri = 'file:///newer.stride';
    await client.openAndWait(uri, TEXT);
    const pending = client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 3 } });
    client.change(uri, 2, [{ range: { start: { line: 2, character: 2 }, end: { line: 2, character: 8 } }, text: 'flatten()' }]);
    const answer = await pending;
    assert.ok(JSON.stringify(answer).includes('flatten'), JSON.stringify(answer));
  });

  it('many cancellations in a row leave the server answering', async () => {
    const uri = 'file:///many.stride';
    await client.openAndWait(uri, TEXT);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => {
        const source = new CancellationTokenSource();
        const p = client.rpc.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } }, source.token);
        if (i % 2 === 0) source.cancel();
        return p;
      }),
    );
    assert.ok(outcomes.filter((o) => o.status === 'fulfilled').length >= 100);
    assert.ok(outcomes.every((o) => o.status === 'fulfilled' || (o.reason as ResponseError).code === LSPErrorCodes.RequestCancelled));
  });
});
