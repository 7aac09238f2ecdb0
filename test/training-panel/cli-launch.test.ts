// How the editor starts `stride train`: the process-count prompt's rule, the command line, the CLI script, and the PyTorch check.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkTorch, processCountError, strideCliScript, trainArguments } from '../../client/training/cli-launch';

const ROOT = path.resolve(__dirname, '../../..');

/** The interpreter the PyTorch tests use (Debian's python3-torch lives there); null when it cannot import torch. */
function torchPython(): string | null {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return '/usr/bin/python3';
  } catch {
    return null;
  }
}

test('the process count is a whole number from 1 to 256', () => {
  for (const ok of ['1', ' 2 ', '8', '256']) assert.equal(processCountError(ok), null, ok);
  for (const bad of ['', '0', '-1', '1.5', 'two', '257', '1e3']) assert.match(processCountError(bad) ?? '', /Enter a/, bad);
});

test('the command line names the model, and the torch engine its processes and interpreter', () => {
  assert.deepEqual(trainArguments('/w/a.stride', 'Net', { engine: 'node', epochs: 2, limit: 64 }), [
    'train',
    '/w/a.stride',
    '--model',
    'Net',
    '--epochs',
    '2',
    '--limit',
    '64',
  ]);
  assert.deepEqual(trainArguments('/w/a.stride', 'Net', { engine: 'torch', processes: 2, python: '/usr/bin/python3' }), [
    'train',
    '/w/a.stride',
    '--model',
    'Net',
    '--engine',
    'torch',
    '--nproc',
    '2',
    '--python',
    '/usr/bin/python3',
  ]);
});

test('the CLI script is found in a checkout with the compiled CLI, else as the bundle, and not in a folder without either', () => {
  assert.equal(strideCliScript(ROOT), path.join(ROOT, 'bin', 'stride.js'));
  assert.equal(strideCliScript(path.join(ROOT, 'test')), null);
  const packaged = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-packaged-'));
  fs.mkdirSync(path.join(packaged, 'dist'));
  fs.writeFileSync(path.join(packaged, 'dist', 'stride-cli.js'), '');
  assert.equal(strideCliScript(packaged), path.join(packaged, 'dist', 'stride-cli.js'));
  const help = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'stride.js'), 'help'], { encoding: 'utf8' });
  assert.match(help, /train FILE/, 'the found script is the stride command');
});

test('a missing interpreter is named as missing', async () => {
  const r = await checkTorch('/nonexistent/python3');
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.missing === 'interpreter' && r.message.includes('/nonexistent/python3'), JSON.stringify(r));
});

test('an interpreter that cannot import torch is told apart from one that can', async (t) => {
  const python = torchPython();
  if (!python) return t.skip('no PyTorch at /usr/bin/python3 (apt install python3-torch)');
  const good = await checkTorch(python);
  assert.ok(good.ok, JSON.stringify(good));
  assert.match(good.version, /^\d+\.\d+/);
  // The same interpreter started without its site packages (-S): a real Python in which `import torch` fails.
  const hidden = await checkTorch(path.join(ROOT, 'test', 'fixtures', 'python-without-site.sh'));
  assert.ok(!hidden.ok && hidden.missing === 'torch' && /No module named 'torch'/.test(hidden.message), JSON.stringify(hidden));
});
