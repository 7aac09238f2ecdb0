// Extension-host cases for training through the `stride train` command line: the Node engine, PyTorch DDP, a stop, a missing torch.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as vscode from 'vscode';
import { SkipCase, type Case } from './runner';
import { ROOT, open, serverReady, waitForWebviewTab, workspaceUri } from './host';

/** What stride.trainWithCli and stride.trainWithTorch resolve with (client/training/cli-command.ts CliSummary, the fields checked). */
interface CliSummary {
  readonly status: string;
  readonly reason: string | null;
  readonly exitCode: number | null;
  readonly epochsDone: number;
  readonly final: { readonly loss: number; readonly valLoss: number | null } | null;
  readonly weightsDir: string | null;
  readonly panelDir: string | null;
  readonly metricsLog: string;
}

const MODEL = 'Shapes';
const shapes = () => workspaceUri('shapes.stride');
const runFolder = () => vscode.Uri.joinPath(shapes(), '..', 'shapes.runs', MODEL).fsPath;
const metricsLog = () => path.join(runFolder(), 'metrics.jsonl');
const panelFolder = () => vscode.Uri.joinPath(shapes(), '..', 'shapes.weights', MODEL).fsPath;

/** The log's records after byte `from` (earlier runs' records stay in the appended log). */
function recordsAfter(from: number): { event: string }[] {
  if (!fs.existsSync(metricsLog())) return [];
  const text = fs.readFileSync(metricsLog()).subarray(from).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { event: string });
}

const logSize = () => (fs.existsSync(metricsLog()) ? fs.statSync(metricsLog()).size : 0);

function assertSaved(dir: string | null, what: string): void {
  assert.ok(dir && fs.existsSync(path.join(dir, 'model.json')) && fs.existsSync(path.join(dir, 'weights.bin')), `${what}: no weights in ${dir}`);
}

async function setPython(value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('stride').update('python', value, vscode.ConfigurationTarget.Global);
}

/** The palette offers the command on a .stride file, with its machine-scoped interpreter setting. */
async function contributed(): Promise<void> {
  const manifest = vscode.extensions.getExtension('stride.stride')?.packageJSON as {
    contributes: { commands: { command: string; title: string }[]; configuration: { properties: Record<string, { scope?: string; default?: unknown }> } };
  };
  const command = manifest.contributes.commands.find((c) => c.command === 'stride.trainWithTorch');
  assert.equal(command?.title, 'Train with PyTorch (torchrun)…');
  assert.deepEqual(manifest.contributes.configuration.properties['stride.python'], {
    ...manifest.contributes.configuration.properties['stride.python'],
    scope: 'machine',
    default: 'python3',
  });
  await serverReady();
  assert.ok((await vscode.commands.getCommands(true)).includes('stride.trainWithTorch'));
}

/** The engine-agnostic path with the Node engine: a terminal runs the CLI, the panel opens, epochs stream, weights land. */
async function nodeEngine(): Promise<void> {
  await serverReady();
  await open(shapes());
  const before = logSize();
  const panel = waitForWebviewTab('stride.training', `Train ${MODEL}`);
  const run = vscode.commands.executeCommand<CliSummary | undefined>('stride.trainWithCli', shapes().toString(), MODEL, 2, 160);
  const second = await vscode.commands.executeCommand<CliSummary | undefined>('stride.trainWithCli', shapes().toString(), MODEL, 2, 160);
  assert.equal(second, undefined, 'a second run of the same model is refused while the first runs');
  const result = await run;
  await panel;
  assert.ok(result, 'the run reports its outcome');
  assert.equal(result.status, 'completed', result.reason ?? '');
  assert.equal(result.exitCode, 0);
  assert.equal(result.epochsDone, 2, 'both epochs streamed from the metrics log');
  assert.ok(result.final && Number.isFinite(result.final.loss) && result.final.valLoss !== null, JSON.stringify(result.final));
  assert.equal(result.panelDir, panelFolder());
  assertSaved(result.panelDir, 'the panel folder');
  assertSaved(result.weightsDir, 'the run folder');
  assert.deepEqual(
    recordsAfter(before).map((r) => r.event),
    ['start', 'epoch', 'epoch', 'end'],
  );
  assert.ok(
    vscode.window.terminals.some((t) => t.name === `Stride: train ${MODEL}`),
    JSON.stringify(vscode.window.terminals.map((t) => t.name)),
  );
}

/** A bright square on a dark background, 16×16 like the model's input. */
function squarePng(): Buffer {
  const png = new PNG({ width: 16, height: 16 });
  for (let i = 0; i < 16 * 16; i++) {
    const [x, y] = [i % 16, Math.floor(i / 16)];
    png.data.fill(x >= 4 && x < 12 && y >= 4 && y < 12 ? 230 : 20, 4 * i, 4 * i + 3);
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** Run Model on Image predicts with the weights the command-line run copied for the panel, as `stride predict` does with them. */
async function runOnImageAfterCli(): Promise<void> {
  await serverReady();
  await predictionMatchesCli();
}

async function predictionMatchesCli(): Promise<void> {
  const image = vscode.Uri.joinPath(shapes(), '..', 'square.png').fsPath;
  fs.writeFileSync(image, squarePng());
  const shown = await vscode.commands.executeCommand<{ top: { label: string; probability: number }[] } | undefined>(
    'stride.runOnImage',
    shapes().toString(),
    MODEL,
    image,
  );
  assert.ok(shown && shown.top.length === 4, `every class of the shapes set: ${JSON.stringify(shown)}`);
  const cli = [path.join(ROOT, 'bin', 'stride.js'), 'predict', shapes().fsPath, image, '--weights', panelFolder(), '--top', '3'];
  const out = execFileSync(process.execPath, cli, { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const predicted = [...out.matchAll(/(\w+) ([\d.]+)%/g)].map((m) => ({ label: m[1], percent: Number(m[2]) }));
  assert.deepEqual(
    shown.top.slice(0, 3).map((t) => t.label),
    predicted.map((p) => p.label),
    out,
  );
  shown.top.slice(0, 3).forEach((t, i) => assert.ok(Math.abs(100 * t.probability - predicted[i].percent) <= 0.15, `${out} vs ${JSON.stringify(shown.top)}`));
}

/** Resolves once the log holds an epoch record after byte `from` (the run is under way and past its first epoch). */
function firstEpoch(from: number, ms = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (recordsAfter(from).some((r) => r.event === 'epoch')) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error(`no epoch in ${metricsLog()} after ${ms} ms`));
      }
    }, 100);
  });
}

/** Closing the run's terminal stops it as Stop does (SIGINT): the CLI saves, the log says `stopped`. */
async function stopByClosingTerminal(): Promise<void> {
  await serverReady();
  const before = logSize();
  // The run's own terminal, as it opens (an earlier run's may still be listed).
  const opened = new Promise<vscode.Terminal>((resolve) => {
    const subscription = vscode.window.onDidOpenTerminal((t) => {
      if (t.name !== `Stride: train ${MODEL}`) return;
      subscription.dispose();
      resolve(t);
    });
  });
  // The file's own 10,000 epochs: the run is still going when the terminal closes.
  const run = vscode.commands.executeCommand<CliSummary | undefined>('stride.trainWithCli', shapes().toString(), MODEL, undefined, 160);
  const terminal = await opened;
  await firstEpoch(before);
  terminal.dispose();
  const result = await run;
  assert.ok(result);
  assert.equal(result.status, 'stopped', result.reason ?? '');
  assert.ok(result.epochsDone >= 1 && result.epochsDone < 10_000, `${result.epochsDone} epochs`);
  assertSaved(result.panelDir, 'the panel folder after a stop');
  assert.equal(recordsAfter(before).pop()?.event, 'end');
}

/** An interpreter without PyTorch: the command settles without a run, and nothing is trained. */
async function torchMissing(): Promise<void> {
  await serverReady();
  const fixture = path.join(ROOT, 'test', 'fixtures', 'python-without-site.sh');
  await setPython(fixture);
  try {
    assert.equal(vscode.workspace.getConfiguration('stride').inspect<string>('python')?.globalValue, fixture, 'the user setting is in place');
    const before = logSize();
    const result = await vscode.commands.executeCommand<CliSummary | undefined>('stride.trainWithTorch', shapes().toString(), MODEL, 1, 1, 64);
    assert.equal(result, undefined);
    assert.equal(logSize(), before, 'nothing ran');
  } finally {
    await setPython(undefined);
  }
}

/** PyTorch DDP through `stride train --engine torch`: two processes, one epoch, the weights back where the panel looks. */
async function torchEngine(): Promise<void> {
  const help = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'stride.js'), 'help'], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  if (!help.includes('--engine')) throw new SkipCase('this stride CLI has no `train --engine torch` yet');
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    throw new SkipCase('no PyTorch at /usr/bin/python3 (apt install python3-torch)');
  }
  await serverReady();
  await setPython('/usr/bin/python3');
  try {
    const before = logSize();
    const result = await vscode.commands.executeCommand<CliSummary | undefined>('stride.trainWithTorch', shapes().toString(), MODEL, 2, 1, 64);
    assert.ok(result, 'the run reports its outcome');
    assert.equal(result.status, 'completed', result.reason ?? '');
    assert.equal(result.epochsDone, 1);
    assert.ok(result.final && Number.isFinite(result.final.loss), JSON.stringify(result.final));
    assertSaved(result.panelDir, 'the panel folder');
    const events = recordsAfter(before).map((r) => r.event);
    assert.deepEqual([events[0], events.filter((e) => e === 'epoch').length, events[events.length - 1]], ['start', 1, 'end']);
    await predictionMatchesCli();
  } finally {
    await setPython(undefined);
  }
}

export const cliTrainingCases: readonly Case[] = [
  { name: 'Train with PyTorch (torchrun)… is contributed with a machine-scoped stride.python setting', run: contributed },
  { name: 'stride train (Node engine) runs in a terminal, streams its epochs, saves where the panel looks, and refuses a second run', run: nodeEngine },
  { name: 'Run Model on Image predicts with the weights a command-line run saved, as stride predict does', run: runOnImageAfterCli },
  { name: 'closing the run terminal stops stride train, which saves its weights', run: stopByClosingTerminal },
  { name: 'an interpreter without PyTorch stops Train with PyTorch before anything runs', run: torchMissing },
  { name: 'Train with PyTorch: torchrun with 2 processes trains one epoch and its weights come back', run: torchEngine },
];
