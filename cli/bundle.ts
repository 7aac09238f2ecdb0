// The `stride` command as one bundled file: dist/stride-cli.js in the extension package, which has neither out/ nor
// node_modules. The tfjs wasm binaries ship beside it (webpack.config.js), so the wasm backend is pointed there first.

import { useWasmBinariesBeside } from '../train/node/backends/shipped-wasm';
import { runCli } from './main';

useWasmBinariesBeside(__dirname);
runCli(process.argv.slice(2));
