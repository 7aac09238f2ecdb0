// Entry for `stride lsp --stdio`: serves the protocol on this process's stdin and stdout.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer, type ServerHandle } from './server';

export function runStdioServer(): ServerHandle {
  // stdout carries the protocol: stray console output from this process must go to stderr instead.
  console.log = console.info = console.debug = console.error;
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  return startServer(connection);
}
