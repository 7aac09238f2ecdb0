// Stride: Train with PyTorch (torchrun)…, and the engine-agnostic path under it: `stride train` in a terminal, its metrics in the panel.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EpochRecord } from '../../protocol/training-payloads';
import { isSafeModelName } from '../../protocol/training-payloads';
import { MODEL_JSON, WEIGHTS_BIN, runDir, weightsDir, writeFolderAtomically } from '../../train/node/saved-files';
import { replayMessage } from './background-runs';
import { checkTorch, childEnvironment, cliKnowsEngine, processCountError, strideCliScript, trainArguments, type CliTrainOptions } from './cli-launch';
import { CliRun, type CliOutcome } from './cli-run';
import { openTrainingPanel, targetDocument } from './commands';
import type { TrainingHost } from './host';
import { PacedProgress } from './pacing';

/** What the commands resolve with (tests read it): how the run ended and where its files are. */
export interface CliSummary extends CliOutcome {
  readonly model: string;
  readonly epochsDone: number;
  readonly final: EpochRecord | null;
  /** The weights copied where the panel and Run Model on Image look (`FILE.weights/MODEL`). */
  readonly panelDir: string | null;
  readonly metricsLog: string;
}

const engineName = (o: CliTrainOptions) =>
  o.engine === 'torch' ? `PyTorch (torchrun, ${o.processes ?? 1} process${o.processes === 1 ? '' : 'es'})` : 'the Stride CLI';

/** The interpreter from the user's settings only: a workspace must not choose a program the editor runs. */
export function pythonSetting(): string {
  const inspected = vscode.workspace.getConfiguration('stride').inspect<string>('python');
  const value = inspected?.globalValue ?? inspected?.defaultValue;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : 'python3';
}

/** `stride.trainWithTorch`: asks what it needs (model, processes), checks PyTorch, then trains through the CLI. */
export async function trainWithTorch(
  host: TrainingHost,
  uri: string | undefined,
  model: string | undefined,
  given: { processes?: number; epochs?: number; limit?: number } = {},
): Promise<CliSummary | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const chosen = await host.chooseModel(doc, model, true);
  if (!chosen) return undefined;
  if (!chosen.training) return void vscode.window.showErrorMessage(`Stride: ${chosen.name} cannot be trained: ${chosen.error ?? 'the model has errors'}.`);
  const processes = given.processes ?? (await askProcesses());
  if (processes === undefined) return undefined;
  const python = await interpreterWithTorch(() => trainWithTorch(host, doc.uri.toString(), chosen.name, { ...given, processes }));
  if (!python) return undefined;
  const script = strideCliScript(host.extension.extensionPath);
  if (script && !(await cliKnowsEngine(process.execPath, script, childEnvironment(process.env))))
    return void vscode.window.showErrorMessage('Stride: this Stride CLI cannot train with PyTorch (its `stride train` has no --engine option); update Stride.');
  return trainWithCli(host, doc.uri.toString(), chosen.name, { engine: 'torch', processes, python, epochs: given.epochs, limit: given.limit });
}

async function askProcesses(): Promise<number | undefined> {
  const value = await vscode.window.showInputBox({
    title: 'Stride: Train with PyTorch (torchrun)',
    prompt: 'Number of processes (one per GPU; on a CPU-only machine, 1 or 2)',
    value: '1',
    validateInput: processCountError,
  });
  return value === undefined || processCountError(value) !== null ? undefined : Number(value.trim());
}

/**
 * The `stride.python` interpreter when it imports torch. Otherwise a clear error, left on screen without waiting (a command
 * must settle): its action sets another interpreter in the user's settings and starts the command again.
 */
async function interpreterWithTorch(retry: () => unknown): Promise<string | undefined> {
  const python = pythonSetting();
  const check = await checkTorch(python);
  if (check.ok) return python;
  const action = 'Set Python Interpreter';
  const hint = check.missing === 'torch' ? ' Install PyTorch for it, or choose an interpreter that has it.' : ' Choose the interpreter that has PyTorch.';
  void vscode.window.showErrorMessage(`Stride: ${check.message}.${hint}`, action).then(async (choice) => {
    if (choice !== action) return;
    const entered = await vscode.window.showInputBox({
      title: 'Stride: Python interpreter with PyTorch',
      prompt: 'Path or command (stride.python)',
      value: python,
    });
    if (!entered?.trim()) return;
    await vscode.workspace.getConfiguration('stride').update('python', entered.trim(), vscode.ConfigurationTarget.Global);
    retry();
  });
  return undefined;
}

/** Runs `stride train` for a document's model with any engine and streams its metrics log into the panel. */
export async function trainWithCli(host: TrainingHost, uri: string, model: string, options: CliTrainOptions): Promise<CliSummary | undefined> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const refusal = refusalOf(host, doc, model);
  if (refusal) return void vscode.window.showErrorMessage(`Stride: ${refusal}`);
  // The CLI reads the file from disk: what it trains must be what the editor shows.
  if (doc.isDirty && !(await doc.save())) return void vscode.window.showErrorMessage('Stride: save the file first: the trainer reads it from disk.');
  const script = strideCliScript(host.extension.extensionPath);
  if (!script)
    return void vscode.window.showErrorMessage(
      'Stride: this installation has no command-line trainer (neither bin/stride.js with out/cli nor dist/stride-cli.js); reinstall the extension, or run `stride train` from a checkout in a terminal.',
    );
  const file = doc.uri.fsPath;
  const run = new CliRun(host, uri, model, {
    node: process.execPath,
    args: [script, ...trainArguments(file, model, options)],
    cwd: path.dirname(file),
    env: childEnvironment(process.env),
    metricsLog: path.join(runDir(file, model), 'metrics.jsonl'),
    title: `Stride: train ${model}`,
    backend: engineName(options),
  });
  host.log(`${model}: training with ${engineName(options)}; run folder ${runDir(file, model)}`);
  return runWithProgress(host, run, file, options);
}

/** Why a run cannot start now, or null. */
function refusalOf(host: TrainingHost, doc: vscode.TextDocument, model: string): string | null {
  if (!isSafeModelName(model)) return `model name '${model}' cannot name a weights folder.`;
  if (doc.uri.scheme !== 'file') return 'save the file first: weights are written next to it.';
  if (host.runs.get(doc.uri.toString(), model)) return `${model} is already training in the background; stop that run first.`;
  if (host.panelFor(doc.uri.toString(), model)?.training) return `${model} is training in its training panel; stop it there first, or let it finish.`;
  return null;
}

async function runWithProgress(host: TrainingHost, run: CliRun, file: string, options: CliTrainOptions): Promise<CliSummary> {
  host.runs.add(run);
  host.panelFor(run.uri, run.model)?.postBackground(replayMessage(run));
  // The charts are the point of running it from the editor: the panel opens beside and replays the run as it goes.
  void openTrainingPanel(host, run.uri, run.model);
  try {
    const title = `Stride: training ${run.model} with ${engineName(options)}`;
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => {
        progress.report({ message: 'stopping: saving the weights…' });
        run.stop();
      });
      const paced = new PacedProgress(progress);
      run.onEpoch = (r) => {
        const share = r.epochs ? (100 * r.epoch) / r.epochs : 0;
        const accuracy = r.accuracy === null ? '' : ` · accuracy ${(r.accuracy * 100).toFixed(1)}%`;
        paced.update(share, `epoch ${r.epoch}${r.epochs ? `/${r.epochs}` : ''} · loss ${r.loss?.toFixed(4)}${accuracy}`);
      };
      progress.report({ message: 'starting…' });
      return run.run();
    });
    return finished(host, run, file, options, outcome);
  } finally {
    host.runs.remove(run);
  }
}

/** Copies the run's weights to the panel's folder (atomic swap), so Run Model on Image and the panel use them. */
function publish(host: TrainingHost, run: CliRun, file: string, outcome: CliOutcome): string | null {
  if (outcome.status !== 'completed' && outcome.status !== 'stopped') return null;
  const from = outcome.weightsDir ?? path.join(runDir(file, run.model), 'weights');
  try {
    const files = { [MODEL_JSON]: fs.readFileSync(path.join(from, MODEL_JSON)), [WEIGHTS_BIN]: fs.readFileSync(path.join(from, WEIGHTS_BIN)) };
    const to = weightsDir(file, run.model);
    writeFolderAtomically(to, files);
    return to;
  } catch (e) {
    host.log(`${run.model}: the weights in ${from} were not copied for the panel: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

function finished(host: TrainingHost, run: CliRun, file: string, options: CliTrainOptions, outcome: CliOutcome): CliSummary {
  const panelDir = publish(host, run, file, outcome);
  const final = run.history[run.history.length - 1] ?? null;
  const summary: CliSummary = {
    ...outcome,
    model: run.model,
    epochsDone: run.history.length,
    final,
    panelDir,
    metricsLog: path.join(runDir(file, run.model), 'metrics.jsonl'),
  };
  const engine = options.engine === 'torch' ? 'PyTorch' : 'the Stride CLI';
  const epochs = `${summary.epochsDone} epoch${summary.epochsDone === 1 ? '' : 's'}`;
  const loss = final ? `, loss ${final.loss.toFixed(4)}${final.valLoss === null ? '' : `, validation loss ${final.valLoss.toFixed(4)}`}` : '';
  const where = panelDir ? ` Weights in ${vscode.workspace.asRelativePath(panelDir)}.` : '';
  const texts: Record<CliOutcome['status'], string> = {
    completed: `Trained with ${engine}: ${run.model}, ${epochs}${loss}.${where}`,
    stopped: `Stopped training ${run.model} with ${engine} after ${epochs}${loss}; the weights trained so far are saved.${where}`,
    diverged: `Training ${run.model} with ${engine} diverged: ${outcome.reason ?? 'the loss is not a finite number'}.`,
    error: `Training ${run.model} with ${engine} failed: ${outcome.reason ?? 'unknown error'}.`,
  };
  const text = texts[outcome.status];
  host.log(`${run.model}: ${text}`);
  const panel = host.panelFor(run.uri, run.model);
  panel?.postBackground({ type: 'backgroundEnd', status: outcome.status, message: text });
  panel?.refresh();
  if (outcome.status === 'error' || outcome.status === 'diverged') {
    const show = outcome.status === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    void show(`Stride: ${text}`, 'Show Log').then((choice) => choice === 'Show Log' && host.showLog());
    return summary;
  }
  void vscode.window.showInformationMessage(`Stride: ${text}`, 'Open Folder', 'Run Model on Image').then((choice) => {
    if (choice === 'Open Folder' && panelDir) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(panelDir));
    if (choice === 'Run Model on Image') void vscode.commands.executeCommand('stride.runOnImage', run.uri, run.model);
  });
  return summary;
}
