// Where the tfjs wasm binaries are: beside a bundle (the extension package's dist/), else tfjs's own in node_modules.

import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Points the wasm backend at the binaries when they ship in `dir` (a bundle's `__dirname`); unbundled, tfjs finds
 * its own and this does nothing. Must run before the backend is selected. The backend package is required only
 * then, so commands that never train (`stride check`) do not load it.
 */
export function useWasmBinariesBeside(dir: string): void {
  if (!fs.existsSync(path.join(dir, 'tfjs-backend-wasm-simd.wasm'))) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
  wasm.setWasmPaths(`${dir}${path.sep}`);
}
