// The stdio entry (`stride lsp --stdio` calls runStdioServer): a real child process speaking LSP over its stdin/stdout.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type Hover, type PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { BROKEN, NET } from './fixtures';

const STDIO_MODULE = join(__dirname, '..', '..', 'server', 'stdio.js');

describe('stdio server', () => {
  it('initializes, publishes diagnostics, answers hover and exits on shutdown + exit', async () => {
    const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(STDIO_MODULE)}).runStdioServer()`], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const rpc = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const diagnostics = new Promise<PublishDiagnosticsParams>((resolve) => rpc.onNotification('textDocument/publishDiagnostics', resolve));
    rpc.listen();
    try {
      const init = await rpc.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
      assert.ok((init as { capabilities: { hoverProvider?: boolean } }).capabilities.hoverProvider);
      rpc.sendNotification('initialized', {});
      rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///s/broken.stride', languageId: 'stride', version: 1, text: BROKEN } });
      const published = await diagnostics;
      assert.deepEqual(
        published.diagnostics.map((d) => d.code),
        ['invalid-argument', 'unknown-layer'],
      );
      rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///s/net.stride', languageId: 'stride', version: 1, text: NET } });
      const hover = await rpc.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: 'file:///s/net.stride' }, position: { line: 11, character: 3 } });
      assert.ok(JSON.stringify(hover.contents).includes('(3·3·16 + 1)·32'));
      await rpc.sendRequest('shutdown');
      rpc.sendNotification('exit');
      assert.equal(await exited, 0);
    } finally {
      rpc.dispose();
      if (child.exitCode === null) child.kill();
    }
  });
});
