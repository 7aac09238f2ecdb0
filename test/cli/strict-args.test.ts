// Strict command lines: a mistyped, misplaced or malformed option is a one-line error and never starts a run.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { COMMANDS, optionsOf } from '../../cli/commands';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-strict-'));

const MODEL = `model Tiny {
  input(32, 32, 1)
  conv2d(4, 3, stride: 2, activation: relu)
  flatten()
  dense(4, activation: softmax)
}
train Tiny { data: shapes  optimizer: adam(lr: 0.01)  epochs: 8  batch: 32  validation: 0.2  seed: 7 }
`;

function stride(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

/** Every file under the folder with a hash of its bytes. */
function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    out[path.relative(folder, file)] = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }
  return out;
}

test('bad train command lines are refused with exit 2 and leave the last run untouched', () => {
  const file = path.join(dir, 'tiny.stride');
  fs.writeFileSync(file, MODEL);
  const first = stride('train', file, '--epochs', '1', '--limit', '64');
  assert.equal(first.status, 0, first.stderr);
  const run = path.join(dir, 'tiny.runs', 'Tiny');
  const start = JSON.parse(fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').split('\n')[0]) as Record<string, unknown>;
  assert.equal(start.event, 'start');
  assert.doesNotMatch(JSON.stringify(start), /span|"start":\d/, 'no source positions in the log');
  assert.deepEqual(Object.keys(start.settings as object).sort(), ['batch', 'data', 'epochs', 'loss', 'metrics', 'optimizer', 'seed', 'validation']);
  const before = snapshot(run);
  assert.ok(
    Object.keys(before).some((f) => f.startsWith('weights')),
    Object.keys(before).join(', '),
  );
  const cases: [string[], RegExp][] = [
    [['--epoch', '2'], /unknown option '--epoch' for train; did you mean '--epochs'\?/],
    [['--epochs'], /option --epochs needs a value \(N\)/],
    [['--epochs', '--limit', '3'], /option --epochs needs a value/],
    [['--epochs', 'two'], /option --epochs must be a positive integer, got 'two'/],
    [['--epochs', '0'], /option --epochs must be a positive integer, got '0'/],
    [['--limit=1.5'], /option --limit must be a positive integer, got '1.5'/],
    [['--resume=yes', '--engine', 'torch'], /option --resume is a flag and takes no value \(got 'yes'\)/],
    [['--backend', 'gpu'], /option --backend does not accept 'gpu' \(values: auto, tensorflow, wasm, cpu\); did you mean 'cpu'\?/],
    [['--nproc', '2'], /option --nproc works only with --engine torch/],
    [['--depth', '2'], /option '--depth' is not an option of train \(it belongs to summary\)/],
    [['--frobnicate'], /unknown option '--frobnicate' for train/],
    [['--epochs', '1', '--epochs', '2'], /option --epochs is given twice/],
    [['-x'], /unknown option '-x' for train/],
  ];
  for (const [extra, message] of cases) {
    const r = stride('train', file, ...extra);
    assert.equal(r.status, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], message);
    assert.match(lines[0], /^stride: error: .*\(see 'stride train --help'\)$/);
  }
  assert.deepEqual(snapshot(run), before);
});

test('bad options of other commands and unknown commands', () => {
  const file = path.join(dir, 'check.stride');
  fs.writeFileSync(file, MODEL);
  const cases: [string[], RegExp][] = [
    [['check', file, '--jsn'], /unknown option '--jsn' for check; did you mean '--json'\? \(see 'stride check --help'\)/],
    [['summary', file, '--columns', 'name,size'], /option --columns does not accept 'size' \(values: name, type, shape, params, macs, memory, rf, connected\)/],
    [['summary', file, '--depth', '-1'], /option --depth must be a whole number/],
    [['export', file, '--format', 'onxx'], /did you mean 'onnx'\?/],
    [['plot', file, '--theme', 'blue'], /option --theme does not accept 'blue' \(values: light, dark\)/],
    [['trian', file], /unknown command 'trian'; did you mean 'train'\? \(see 'stride help'\)/],
    [['--epochs', '2', 'train', file], /unknown option '--epochs' before the command/],
    [['help', 'nope'], /help takes one command name, got 'nope'/],
  ];
  for (const [args, message] of cases) {
    const r = stride(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, message);
  }
});

test('help documents every option of every command, with the values of enumerated ones', () => {
  const general = stride('help');
  assert.equal(general.status, 0);
  for (const c of COMMANDS) {
    assert.match(general.stdout, new RegExp(`^  ${c.name}\\b`, 'm'), c.name);
    const views = [stride('help', c.name), stride(c.name, '--help'), stride(c.name, '-h')];
    for (const v of views) {
      assert.equal(v.status, 0, v.stderr);
      assert.equal(v.stdout, views[0].stdout);
      assert.match(v.stdout, new RegExp(`^Usage: stride ${c.name}\\b`));
      for (const o of optionsOf(c)) {
        assert.match(v.stdout, new RegExp(`--${o.name}\\b`), `${c.name} --${o.name}`);
        for (const value of o.values ?? []) assert.ok(v.stdout.includes(value), `${c.name} --${o.name} ${value}`);
      }
    }
  }
  const train = stride('help', 'train').stdout;
  assert.match(train, /--backend B .*auto.*tensorflow.*wasm.*cpu/);
  assert.match(train, /--engine E .*node.*torch/);
  assert.match(stride('help', 'export').stdout, /--format F .*pytorch.*onnx.*keras.*tfjs.*json.*torch-ddp/);
  assert.equal(stride().status, 2, 'no command: help on stderr, exit 2');
});

test('--version and -V print the version of package.json', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const r = stride(flag);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `stride ${pkg.version}\n`);
  }
});

test('the table agrees with the export formats, the plot formats and the themes', () => {
  const { FORMATS } = require('../../export/formats') as typeof import('../../export/formats');
  const { PLOT_FORMATS } = require('../../cli/plot') as typeof import('../../cli/plot');
  const values = (command: string, option: string) => COMMANDS.find((c) => c.name === command)?.options.find((o) => o.name === option)?.values;
  assert.deepEqual([...(values('export', 'format') ?? [])].sort(), FORMATS.map((f) => f.name).sort());
  assert.deepEqual(values('plot', 'format'), [...PLOT_FORMATS]);
  const { THEMES } = require('../../webview/diagram/style') as typeof import('../../webview/diagram/style');
  assert.deepEqual(values('plot', 'theme'), Object.keys(THEMES));
});
