// The `stride` command as one bundled file: dist/stride-cli.js in the extension package, which has neither out/ nor
// node_modules. The tfjs wasm binaries ship beside it (webpack.config.js), so the wasm backend is pointed there first.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from './main';

if (fs.existsSync(path.join(__dirname, 'tfjs-backend-wasm-simd.wasm'))) {
  (require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void }).setWasmPaths(`${__dirname}${path.sep}`);
}
runCli(process.argv.slice(2));
