// Entry of the bundled server (dist/server.js): the transport (IPC or stdio) comes from the command line the client uses.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));
