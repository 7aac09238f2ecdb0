// `stride train --engine torch`: writes the torch-ddp project into the run folder, runs it with python or torchrun,
// shows its metrics log as it grows, and converts the trained weights into Stride's weights folder.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../core/analyze';
import { modelAt, modelChoiceError } from '../ide/model-at';
import { modelErrors } from '../ide/model-diagnostics';
import { trainingModel } from '../ide/training-model';
import { runDir } from '../train/node/saved-files';
import { prepareRunFolder } from '../train/node/saved-owner';
import { InputError, intOption, stringOption, UsageError, type ParsedArgs } from './args';
import { MetricsTail } from './torch-log';
import { bringBack, type TorchEnd } from './torch-results';

/** The interpreter: --python, else STRIDE_PYTHON, else python3 on PATH. */
export function pythonOption(args: ParsedArgs): string {
  const given = stringOption(args.options, 'python');
  if (given !== undefined && given.trim() === '') throw new UsageError('--python is empty; give a Python interpreter with PyTorch');
  return given ?? (process.env.STRIDE_PYTHON || 'python3');
}

/** Refuses an interpreter that cannot import torch, saying which one was asked and how to choose another. */
export function checkTorch(python: string): void {
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status === 0) return;
  const why = probe.error ? `cannot be started (${probe.error.message})` : 'cannot import torch';
  throw new InputError(
    `the Python interpreter '${python}' ${why}; install PyTorch there, or choose an interpreter that has it with --python PATH, ` +
      `the STRIDE_PYTHON environment variable, or the stride.python setting in the editor`,
  );
}

interface Chosen {
  readonly file: string;
  readonly model: import('../core/analyze').ModelAnalysis;
  readonly training: import('../protocol/training-model').TrainingModel;
}

export function chooseModel(args: ParsedArgs, readSource: (file: string) => string, file: string): Chosen {
  const analysis = analyze(readSource(file));
  const choice = modelAt(analysis, { name: stringOption(args.options, 'model') });
  if (choice.kind !== 'found') throw new InputError(modelChoiceError(choice, file));
  const errors = modelErrors(analysis, choice.model.graph.name);
  if (errors.length > 0) throw new InputError(`model '${choice.model.graph.name}' has errors; run 'stride check ${file}' and fix them first`);
  const lowered = trainingModel(choice.model);
  if (!lowered.ok) throw new InputError(lowered.error);
  return { file, model: choice.model, training: lowered.value };
}

/** Writes the project (unless resuming one already there) into DIR/torch. */
async function writeProject(args: ParsedArgs, chosen: Chosen, project: string, resume: boolean): Promise<void> {
  if (resume) {
    if (!fs.existsSync(path.join(project, 'checkpoint.pt')))
      throw new InputError(`nothing to resume: '${project}' has no checkpoint.pt; train without --resume first`);
    return;
  }
  const { torchDdpFormat } = require('../export/torch-ddp') as typeof import('../export/torch-ddp');
  const { produceExport, writeExport } = require('../export/run') as typeof import('../export/run');
  const { dataOption, initOption } = require('./train') as typeof import('./train');
  const output = await produceExport(torchDdpFormat, analyze(''), chosen.model, {
    file: chosen.file,
    // --init replaces the section's init: as with the Node trainer; the project starts from those weights.
    weightsDir: initOption(args),
    dataOverride: dataOption(args),
    streamData: args.options.get('stream-data') === true,
    limit: intOption(args.options, 'limit'),
  });
  fs.rmSync(project, { recursive: true, force: true });
  writeExport(output, project);
}

/** python train.py for one process; torchrun (launch.py, standalone rendezvous on a free port) for several. */
function command(python: string, nproc: number, trainArgs: string[]): string[] {
  if (nproc === 1) return [python, 'train.py', ...trainArgs];
  return [python, 'launch.py', '--standalone', `--nproc_per_node=${nproc}`, 'train.py', ...trainArgs];
}

function trainArgs(args: ParsedArgs, outDir: string, project: string): string[] {
  const out = ['--out', project, '--metrics', path.join(outDir, 'metrics.jsonl'), '--quiet', '--end-by-host', '--stop-file', stopFile(project)];
  for (const k of ['epochs', 'batch', 'limit']) {
    const v = intOption(args.options, k);
    if (v !== undefined) out.push(`--${k}`, String(v));
  }
  if (args.options.has('resume')) out.push('--resume');
  return out;
}

/** The file whose appearance stops the training processes (train.py --stop-file). */
const stopFile = (project: string) => path.join(project, 'stop-requested');

/**
 * Runs the child in its own process group. SIGINT or SIGTERM to stride creates the stop file: every training process
 * stops at the same step (rank 0 saves) and torchrun, never signalled itself, ends without a traceback; when the file
 * cannot be written, the signal goes to the group. A second signal kills the group. Resolves with the exit status.
 */
function runChild(argv: string[], cwd: string, stop: string): Promise<number> {
  fs.rmSync(stop, { force: true }); // a stop left by a killed run must not end this one
  const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is gone already.
    }
  };
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return group('SIGKILL');
    stopping = true;
    process.stderr.write('\nStopping: the processes save a checkpoint and the weights (Ctrl-C again to quit at once)…\n');
    try {
      fs.writeFileSync(stop, '');
    } catch {
      group(signal);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return new Promise((resolve, reject) => {
    const done = () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      fs.rmSync(stop, { force: true });
    };
    child.on('error', (e) => {
      done();
      reject(new InputError(`cannot start '${argv[0]}': ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      done();
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

export async function trainTorch(args: ParsedArgs, readSource: (file: string) => string): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('train takes exactly one file');
  const chosen = chooseModel(args, readSource, args.positionals[0]);
  const nproc = intOption(args.options, 'nproc') ?? 1;
  if (nproc < 1) throw new UsageError(`--nproc must be at least 1, got ${nproc}`);
  const python = pythonOption(args);
  checkTorch(python);
  const out = stringOption(args.options, 'out');
  const tensorboard = (require('./train') as typeof import('./train')).tensorboardOption(args);
  const outDir = path.resolve(out ?? runDir(chosen.file, chosen.training.name));
  prepareRunFolder(outDir);
  const project = path.join(outDir, 'torch');
  await writeProject(args, chosen, project, args.options.has('resume'));
  fs.rmSync(path.join(project, 'result.json'), { force: true });
  const tail = new MetricsTail(path.join(outDir, 'metrics.jsonl'), process.stderr);
  const argv = command(python, nproc, trainArgs(args, outDir, project));
  process.stderr.write(`Running: ${argv.join(' ')}\n  in ${project}\n`);
  const status = await tail.during(() => runChild(argv, project, stopFile(project)));
  return finish(chosen, outDir, project, status, tail, tensorboard);
}

async function finish(chosen: Chosen, outDir: string, project: string, status: number, tail: MetricsTail, tensorboardDir?: string): Promise<number> {
  const resultFile = path.join(project, 'result.json');
  if (!fs.existsSync(resultFile)) {
    throw new InputError(
      `the PyTorch run ended (exit status ${status}) before it finished; see its output above. ` +
        `A checkpoint of the last complete epoch, if any, is in ${project}: continue with --resume`,
    );
  }
  const end = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as TorchEnd;
  const back = await bringBack({ ...chosen, outDir, project, end, epochs: tail.epochs, tensorboardDir });
  const { bestDir, weightsDir, evaluation, resultFiles } = back;
  const results = evaluation && { accuracy: evaluation.results.accuracy, topK: evaluation.results.topK, files: resultFiles };
  const reason = end.reason ?? undefined;
  tail.append({ event: 'end', status: end.status, reason, seed: end.seed, weightsDir, best: end.best, bestDir, results, engine: 'torch' });
  tail.report(chosen.training.name, end, back);
  return end.status === 'diverged' ? 1 : 0;
}
