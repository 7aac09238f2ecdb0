// Entry of the bundled server (dist/server.js): the transport (IPC or stdio) comes from the command line the client uses.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';
import { runStdioServer } from './stdio';

// Over stdio, bytes can be framed wrongly: that transport reads through the recovering reader. IPC carries whole messages.
if (process.argv.includes('--stdio')) runStdioServer();
else startServer(createConnection(ProposedFeatures.all));
