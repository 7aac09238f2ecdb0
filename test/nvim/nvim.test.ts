// A second, independent LSP client: headless Neovim 0.7 talks to `stride lsp --stdio` and reads a diagnostic and a hover.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, WORKSPACE, withDeadline } from '../e2e/paths';

const NVIM = process.env.STRIDE_NVIM ?? '/usr/bin/nvim';
const PROBE = join(ROOT, 'test/nvim/probe.lua');
const SERVER_CMD = [process.execPath, join(ROOT, 'bin/stride.js'), 'lsp', '--stdio'];

interface ProbeDiagnostic {
  readonly code: string | null;
  readonly line: number;
  readonly col: number;
  readonly end_line: number;
  readonly end_col: number;
  readonly message: string;
}

interface ProbeResult {
  readonly diagnostics: ProbeDiagnostic[];
  readonly hover?: string;
  readonly errors: string[];
}

/** Runs probe.lua in a clean headless Neovim with private XDG folders and returns what it wrote. */
async function runProbe(file: string, hover: { line: number; col: number }): Promise<ProbeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'stride-nvim-'));
  const out = join(dir, 'result.json');
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_STATE_HOME: join(dir, 'state'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    STRIDE_NVIM_CMD: JSON.stringify(SERVER_CMD),
    STRIDE_NVIM_FILE: file,
    STRIDE_NVIM_OUT: out,
    STRIDE_NVIM_HOVER_LINE: String(hover.line),
    STRIDE_NVIM_HOVER_COL: String(hover.col),
  };
  try {
    const child = spawn(NVIM, ['--clean', '--headless', '-c', `luafile ${PROBE}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const code = await withDeadline(exited, 30_000, 'Neovim to finish').catch((error: Error) => {
      child.kill('SIGKILL');
      throw error;
    });
    assert.ok(existsSync(out), `Neovim exited with ${code} without writing a result: ${stderr.join('')}`);
    return JSON.parse(readFileSync(out, 'utf8')) as ProbeResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('Neovim gets diagnostics and hover from stride lsp --stdio', async () => {
  assert.ok(existsSync(NVIM), `Neovim not found at ${NVIM}; run scripts/setup-e2e.sh`);
  assert.ok(existsSync(join(ROOT, 'out/server/stdio.js')), 'out/server/stdio.js is missing; run npm run build');
  // Line 4 (0-based 3) of mistakes.stride is `  conv2d(8, 3)`; hover on `conv2d`.
  const result = await runProbe(join(WORKSPACE, 'mistakes.stride'), { line: 3, col: 4 });
  assert.deepEqual(result.errors, []);
  const typo = result.diagnostics.find((d) => d.code === 'unknown-layer');
  assert.ok(typo, `no unknown-layer diagnostic among ${JSON.stringify(result.diagnostics)}`);
  // `conv2dd` on line 12 (0-based 11), columns 2–9.
  assert.deepEqual([typo.line, typo.col, typo.end_line, typo.end_col], [11, 2, 11, 9]);
  const mismatch = result.diagnostics.find((d) => d.code === 'shape-mismatch');
  assert.equal(mismatch?.line, 6);
  // 3×3 kernel over 1 channel plus a bias, times 8 filters.
  assert.ok(result.hover?.includes('(3·3·1 + 1)·8 = 80'), `hover lacks the parameter formula: ${result.hover}`);
});
