// Runs test/oracle/torch_oracle.py with the system Python; a missing torch is a failure with a clear message, never a skip.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const PYTHON = process.env.STRIDE_PYTHON ?? '/usr/bin/python3';
/** The script stays next to its sources; compiled tests run from out/test/oracle. */
const SCRIPT = path.resolve(__dirname, '../../../test/oracle/torch_oracle.py');

/** One Python process per call: importing torch takes over a second, so callers batch their questions. */
export function runTorch<T>(args: readonly string[], input = ''): T {
  const r = spawnSync(PYTHON, [SCRIPT, ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) {
    throw new Error(
      `The PyTorch oracle could not run (${PYTHON} ${SCRIPT}). It needs Python 3 with torch and torchvision importable ` +
        `(Debian: apt-get install python3-torch python3-torchvision). ${r.error?.message ?? ''}\n${r.stderr}`,
    );
  }
  return JSON.parse(r.stdout) as T;
}
