// Entry for `stride lsp --stdio`: serves the protocol on this process's stdin and stdout.

import { createConnection, ProposedFeatures, StreamMessageWriter } from 'vscode-languageserver/node';
import { RecoveringMessageReader } from './framing';
import { startServer, type ServerHandle } from './server';

export function runStdioServer(): ServerHandle {
  // stdout carries the protocol: stray console output from this process must go to stderr instead.
  console.log = console.info = console.debug = console.error;
  const writer = new StreamMessageWriter(process.stdout);
  // Frames the client got wrong are answered (id null) and skipped, so one bad message never leaves the server deaf.
  const reader = new RecoveringMessageReader(process.stdin, (error) => void writer.write({ jsonrpc: '2.0', id: null, error } as never).catch(() => undefined));
  const connection = createConnection(ProposedFeatures.all, reader, writer);
  // Without the client's end of the pipe there is no one to serve.
  reader.onClose(() => process.exit(0));
  return startServer(connection);
}
