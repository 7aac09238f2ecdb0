// Old Mac line ends (a lone `\r`): the CLI and the language server report the same line for the same error.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { TestClient } from '../server/harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');

/** The unknown activation sits on the fourth line (index 3) whichever line end a file uses. */
const LINES = ['## Lone carriage returns end lines here.', 'model Mac {', '  input(4)', '  dense(2, activation: sme)', '}', ''];

interface CheckedDiagnostic {
  readonly code: string;
  readonly line: number;
  readonly column: number;
}

function checkWithCli(text: string): CheckedDiagnostic[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-line-ends-'));
  const file = path.join(dir, 'mac.stride');
  fs.writeFileSync(file, text);
  const r = spawnSync(process.execPath, [BIN, 'check', '--json', file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 1, r.stderr);
  return (JSON.parse(r.stdout) as { files: { diagnostics: CheckedDiagnostic[] }[] }).files[0].diagnostics;
}

for (const [name, end] of [
  ['a lone \\r', '\r'],
  ['\\r\\n', '\r\n'],
  ['\\n', '\n'],
] as const) {
  test(`with ${name} line ends, stride check and the server's diagnostic agree on the line`, async () => {
    const text = LINES.join(end);
    const cli = checkWithCli(text);
    assert.deepEqual(
      cli.map((d) => [d.code, d.line]),
      [['invalid-argument', 4]],
    );
    const client = await TestClient.start();
    try {
      const published = await client.openAndWait('file:///line-ends/mac.stride', text);
      assert.deepEqual(
        published.diagnostics.map((d) => [d.code, d.range.start.line + 1, d.range.start.character + 1]),
        cli.map((d) => [d.code, d.line, d.column]),
      );
    } finally {
      client.stop();
    }
  });
}
