// `stride completion bash|zsh`: the bash script is loaded in a real bash and asked as the shell would ask it.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { COMMANDS, optionsOf } from '../../cli/commands';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-completion-'));

function stride(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}

const script = path.join(dir, 'stride.bash');
fs.writeFileSync(script, stride('completion', 'bash').stdout);
fs.writeFileSync(path.join(dir, 'net.stride'), 'model A { input(4) dense(2) }\n');
fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a model\n');
fs.writeFileSync(path.join(dir, 'cat.png'), 'not really a png\n');
fs.mkdirSync(path.join(dir, 'runs'));

/** What bash offers for the command line typed so far (a trailing space starts a new, empty word). */
function complete(line: string): string[] {
  const program = [
    'source "$1"',
    'read -ra COMP_WORDS <<< "$2"',
    '[[ "$2" == *" " ]] && COMP_WORDS+=("")',
    'COMP_CWORD=$((${#COMP_WORDS[@]} - 1))',
    '_stride',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', program, 'bash', script, line], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((w) => w !== '');
}

const sorted = (words: string[]) => [...words].sort();

test('bash completes commands, options per command and the values of enumerated options', () => {
  assert.deepEqual(sorted(complete('stride ')), sorted([...COMMANDS.map((c) => c.name), '--help', '--version']));
  assert.deepEqual(complete('stride tr'), ['train']);
  assert.deepEqual(complete('stride im'), ['import', 'import-weights']);
  const train = COMMANDS.find((c) => c.name === 'train');
  assert.ok(train);
  assert.deepEqual(sorted(complete('stride train net.stride --')), sorted(optionsOf(train).map((o) => `--${o.name}`)));
  assert.deepEqual(complete('stride train --ep'), ['--epochs']);
  assert.deepEqual(complete('stride summary net.stride --d'), ['--depth']);
  assert.deepEqual(complete('stride train net.stride --backend '), ['auto', 'tensorflow', 'wasm', 'cpu']);
  assert.deepEqual(complete('stride train net.stride --engine t'), ['torch']);
  assert.deepEqual(complete('stride export net.stride --format o'), ['onnx']);
  assert.deepEqual(complete('stride plot net.stride --theme '), ['light', 'dark']);
  assert.deepEqual(complete('stride completion '), ['bash', 'zsh']);
  assert.deepEqual(complete('stride summary net.stride --columns name,pa'), ['name,params']);
  assert.deepEqual(complete('stride summary net.stride --columns m'), ['macs', 'memory']);
  assert.deepEqual(complete('stride data '), ['export']);
  assert.deepEqual(complete('stride data export '), ['shapes']);
  assert.deepEqual(complete('stride help pre'), ['predict']);
  assert.deepEqual(complete('stride train net.stride --model '), [], 'a model name is not a file');
});

test('bash completes .stride files and folders for FILE, folders for DIR options, images for predict', () => {
  assert.deepEqual(sorted(complete('stride train ')), ['net.stride', 'runs']);
  assert.deepEqual(sorted(complete('stride check net.stride ')), ['net.stride', 'runs']);
  // Option values are skipped when counting positionals: the file comes after them.
  assert.deepEqual(sorted(complete('stride train --epochs 3 --model A ')), ['net.stride', 'runs']);
  assert.deepEqual(complete('stride train net.stride --out '), ['runs']);
  assert.deepEqual(sorted(complete('stride predict net.stride ')), ['cat.png', 'runs']);
});

test('zsh script names every command and option', () => {
  const r = stride('completion', 'zsh');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^#compdef stride\n/);
  for (const c of COMMANDS) {
    assert.match(r.stdout, new RegExp(`^    ${c.name}\\) _arguments`, 'm'));
    for (const o of optionsOf(c)) assert.ok(r.stdout.includes(`'--${o.name}[`), `${c.name} --${o.name}`);
  }
  const zsh = spawnSync('zsh', ['-n'], { input: r.stdout, encoding: 'utf8' });
  if (!zsh.error) assert.equal(zsh.status, 0, zsh.stderr);
  assert.equal(stride('completion', 'fish').status, 2);
});
