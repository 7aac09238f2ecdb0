// The `stride` command: check, summary, lsp (and train/predict where the training package is present).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, type Analysis, type ModelAnalysis } from '../core/analyze';
import { ExportRefused } from '../export/refusal';
import { modelAt, modelChoiceError } from '../ide/model-at';
import { formatTable, summarize } from '../ide/summary';
import { cacheCommand } from './cache';
import { InputError, intOption, parseArgs, stringOption, UsageError, type ParsedArgs } from './args';
import { formatDiagnostics, paint, plain } from './output';
import { predictCommand, train } from './train';

const USAGE = `Usage: stride <command> [options]

Commands:
  check FILE...                      Report diagnostics (exit status 1 on errors)
  summary FILE [--model NAME] [--batch N] [--json]
                                     Layer table with shapes, parameters, MACs, receptive fields
  export FILE [--model NAME] [--format F] [--weights DIR] [--logits] [--out PATH] [--stream-data]
                                     Export the model: pytorch (default), onnx, keras, tfjs, json, torch-ddp; a
                                     one-file text format goes to stdout without --out, the others
                                     beside FILE; --weights DIR carries trained weights, --logits drops
                                     a final softmax/sigmoid; --stream-data (torch-ddp) lists an image
                                     folder for train.py to read instead of packing it
  plot FILE [--model NAME] [--format svg|png|dot] [--collapsed|--expanded] [--theme light|dark] [--out PATH]
                                     Draw the architecture as the preview does (default svg, beside FILE as
                                     MODEL.svg; --out - writes svg or dot to stdout). Blocks are drawn expanded
                                     unless the model is large; png needs playwright-core and Chromium
  train FILE [--model NAME] [--epochs N] [--batch N] [--data SET|DIR] [--out DIR] [--limit N] [--backend B]
        [--tensorboard DIR] [--init DIR] [--resume]
                                     Train with the file's train section; weights/, metrics.jsonl and metrics.csv go
                                     to --out (default FILE's folder/NAME.runs/MODEL), a folder that is new, empty
                                     or Stride's own; --tensorboard writes event files for tensorboard --logdir DIR;
                                     --init starts from saved weights (fine-tuning, e.g. an imported model's; over init:);
                                     Ctrl-C stops and keeps the weights; every epoch ends with a checkpoint, and
                                     --resume continues a stopped run from it exactly as if it had not stopped
  train FILE --engine torch [--nproc N] [--python PY] [--model NAME] [--epochs N] [--batch N] [--data SET|DIR] [--limit N] [--out DIR] [--resume]
        [--stream-data] [--tensorboard DIR]
                                     Train with PyTorch: writes the torch-ddp project into the run folder's torch/,
                                     runs python train.py (torchrun for --nproc N > 1; interpreter: --python, else
                                     STRIDE_PYTHON, else python3), shows the same progress and brings the weights,
                                     the best epoch's and the results files back;
                                     --stream-data has train.py read an image folder batch by batch (no packed copy)
  import-weights FILE WEIGHTS.safetensors [--model NAME] [--out DIR]
                                     Save the weights of a PyTorch run of the torch-ddp project (train.py's
                                     weights.safetensors) as Stride's weights (default FILE's run folder/weights)
  data export shapes DIR [--count N] [--size H,W,C] [--seed S] [--noise X]
                                     Write the built-in shapes data set as an image folder (one PNG per image)
  predict FILE IMAGE... [--model NAME] [--weights DIR] [--top K]
                                     Classify images with trained weights
  import FILE.onnx [--name M] [--out PATH] [--weights-out DIR | --no-weights] [--partial] [--flat]
                                     Write an ONNX CNN as a .stride model (beside FILE; --out - for stdout)
                                     and its weights where predict and the editor look (NAME.weights/MODEL
                                     beside the .stride; --weights-out DIR elsewhere, --no-weights none);
                                     --partial imports up to the first node it cannot read (text only);
                                     --flat writes one line per layer (no recovered blocks)
  import model.json|FILE.keras|FILE.h5 [--name M] [--out PATH] [--weights-out DIR | --no-weights]
                                     Write a tfjs or Keras model as a .stride model, and its weights as above
  cache [clear]                      Show where downloaded data sets are kept and their size, or delete them
  lsp --stdio                        Start the language server on stdin/stdout
  help                               Show this help

Options:
  --json        Machine-readable output (summary, check)
  --model NAME  Pick one model of the file
  --batch N     Batch size for the training-memory estimate (default: the train section's, else 32)
  --version     Print the version`;

const BOOLEAN_FLAGS = new Set([
  'json',
  'help',
  'version',
  'stdio',
  'quiet',
  'logits',
  'collapsed',
  'expanded',
  'partial',
  'flat',
  'no-weights',
  'resume',
  'stream-data',
]);

/** Runs the CLI and returns the exit status: 0 ok, 1 errors in the input, 2 usage or I/O errors. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, BOOLEAN_FLAGS);
    if (args.options.has('version')) return print(version());
    if (args.options.has('help') || args.command === undefined || args.command === 'help')
      return print(USAGE, args.command === undefined && !args.options.has('help') ? 2 : 0);
    switch (args.command) {
      case 'check':
        return check(args);
      case 'summary':
        return summary(args);
      case 'export':
        return await exportModel(args);
      case 'plot':
        return await plotModule().plotCommand(args, readSource);
      case 'train':
        return await train(args, readSource);
      case 'predict':
        return await predictCommand(args, readSource);
      case 'import-weights':
        return await (require('./torch-commands') as typeof import('./torch-commands')).importWeightsCommand(args, readSource);
      case 'data':
        return await (require('./torch-commands') as typeof import('./torch-commands')).dataCommand(args);
      case 'cache':
        return cacheCommand(args);
      case 'import':
        return await (require('./import-command') as typeof import('./import-command')).importCommand(args);
      case 'lsp':
        return await lsp();
      default:
        throw new UsageError(`unknown command '${args.command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError) {
      process.stderr.write(`${paint(process.stderr, 31, 'stride: error:')} ${plain(e.message, true)}\n`);
      if (e instanceof UsageError) process.stderr.write(`Run 'stride help' for usage.\n`);
      return 2;
    }
    throw e;
  }
}

function print(text: string, status = 0): number {
  (status === 0 ? process.stdout : process.stderr).write(text + '\n');
  return status;
}

/** The package's version: out/cli/ is two folders below package.json, the bundled dist/stride-cli.js one. */
function version(): string {
  const file = [path.join(__dirname, '..', '..', 'package.json'), path.join(__dirname, '..', 'package.json')].find((f) => fs.existsSync(f));
  if (!file) return 'stride (version unknown: package.json not found)';
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string };
  return `stride ${pkg.version}`;
}

/** The largest model file the CLI reads: far above any real model, and a bound for `/dev/zero` or a pipe. */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

/** Reads a model file with clear errors for the usual mistakes. */
export function readSource(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new InputError(`cannot read '${file}': no such file`);
  }
  if (stat.isDirectory()) throw new InputError(`'${file}' is a directory; pass a .stride file`);
  try {
    const buf = readAtMost(file, MAX_SOURCE_BYTES);
    if (buf.includes(0)) throw new InputError(`'${file}' looks like a binary file, not Stride source`);
    return buf.toString('utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read '${file}': ${(e as Error).message}`);
  }
}

/** Reads up to `limit` bytes; a longer file (or an endless device) is an error instead of exhausting memory. */
function readAtMost(file: string, limit: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(limit + 1, 1 << 20));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return Buffer.concat(chunks, total);
      total += n;
      if (total > limit) throw new InputError(`'${file}' is larger than ${limit / (1024 * 1024)} MiB; Stride reads model files up to that size`);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
  } finally {
    fs.closeSync(fd);
  }
}

function check(args: ParsedArgs): number {
  if (args.positionals.length === 0) throw new UsageError('check needs at least one file');
  let errors = 0;
  let warnings = 0;
  const json: unknown[] = [];
  for (const file of args.positionals) {
    const analysis = analyze(readSource(file));
    errors += analysis.diagnostics.filter((d) => d.severity === 'error').length;
    warnings += analysis.diagnostics.filter((d) => d.severity === 'warning').length;
    if (args.options.has('json')) json.push({ file, diagnostics: summarize(analysis).diagnostics });
    else if (analysis.diagnostics.length > 0) process.stdout.write(formatDiagnostics(file, analysis, process.stdout) + '\n');
  }
  if (args.options.has('json')) process.stdout.write(JSON.stringify({ files: json }, null, 2) + '\n');
  else if (!args.options.has('quiet')) {
    const files = `${args.positionals.length} file${args.positionals.length === 1 ? '' : 's'}`;
    process.stderr.write(`${files} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  return errors > 0 ? 1 : 0;
}

function summary(args: ParsedArgs): number {
  if (args.positionals.length !== 1) throw new UsageError('summary takes exactly one file');
  const file = args.positionals[0];
  const analysis: Analysis = analyze(readSource(file));
  const model = stringOption(args.options, 'model');
  // Only checks the choice: without --model the summary lists every model.
  pickModel(analysis, file, model);
  // With --model, diagnostics of the other models are noise; blocks and stray syntax errors may matter.
  const shown =
    model === undefined ? analysis : { ...analysis, diagnostics: analysis.diagnostics.filter((d) => !insideOtherModel(analysis, model, d.span.start)) };
  const result = summarize(shown, { model, batch: intOption(args.options, 'batch') });
  if (args.options.has('json')) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    process.stdout.write(result.models.map(formatTable).join('\n\n') + '\n');
    if (shown.diagnostics.length > 0) process.stderr.write(formatDiagnostics(file, shown, process.stderr) + '\n');
  }
  return shown.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

async function exportModel(args: ParsedArgs): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('export takes exactly one file');
  const file = args.positionals[0];
  const analysis = analyze(readSource(file));
  const name = stringOption(args.options, 'format') ?? 'pytorch';
  // Loaded on demand: the formats bring tfjs (for weights), which the other commands must not pay for.
  const { FORMATS, formatNamed } = require('../export/formats') as typeof import('../export/formats');
  const { produceExport, writeExport } = require('../export/run') as typeof import('../export/run');
  const format = formatNamed(name);
  if (!format) throw new UsageError(`unknown export format '${name}' (${FORMATS.map((f) => f.name).join(', ')})`);
  const model = pickModel(analysis, file, stringOption(args.options, 'model'));
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error' && d.span.start >= model.graph.span.start && d.span.start < model.graph.span.end);
  if (errors.length > 0) {
    process.stderr.write(formatDiagnostics(file, { ...analysis, diagnostics: errors }, process.stderr) + '\n');
    throw new InputError(`model '${model.graph.name}' has errors; fix them before exporting`);
  }
  const weightsDir = stringOption(args.options, 'weights');
  let output;
  try {
    output = await produceExport(format, analysis, model, {
      logits: args.options.get('logits') === true,
      weightsDir,
      file,
      streamData: args.options.get('stream-data') === true,
    });
  } catch (e) {
    if (e instanceof ExportRefused) throw new InputError(e.message);
    throw e;
  }
  for (const note of output.notes) process.stderr.write(`note: ${note}\n`);
  const out = stringOption(args.options, 'out');
  const single = output.files.length === 1 && output.files[0].path === '' && typeof output.files[0].data === 'string';
  if (out === undefined && single) {
    process.stdout.write(output.files[0].data as string);
    return 0;
  }
  // Binary and multi-file formats go beside the model unless --out says where.
  const target = out ?? path.join(path.dirname(file), `${model.graph.name}${format.suffix === '/' ? '' : format.suffix}`);
  for (const written of writeExport(output, target)) process.stderr.write(`wrote ${written}\n`);
  return 0;
}

/** The model named by --model, else the one the file trains, else the first (ide's one rule for every view). */
function pickModel(analysis: Analysis, file: string, name: string | undefined): ModelAnalysis {
  const choice = modelAt(analysis, { name });
  if (choice.kind !== 'found') throw new InputError(modelChoiceError(choice, file));
  return choice.model;
}

function insideOtherModel(analysis: Analysis, model: string, offset: number): boolean {
  return analysis.models.some((m) => m.graph.name !== model && offset >= m.graph.span.start && offset < m.graph.span.end);
}

/** Loaded on demand: the layout engine is large, and `check` must not pay for it. */
function plotModule(): typeof import('./plot') {
  return require('./plot') as typeof import('./plot');
}

function lsp(): Promise<number> {
  // Loaded lazily: check and summary must not pay for the server's dependencies.
  const server = require('../server/stdio') as { runStdioServer: () => void };
  server.runStdioServer();
  return new Promise<number>(() => undefined);
}

/** Runs the command line and sets the exit status; what bin/stride.js and the bundled CLI (cli/bundle.ts) call. */
export function runCli(argv: readonly string[]): void {
  main(argv).then(
    (status) => (process.exitCode = status),
    (e: unknown) => {
      process.stderr.write(`stride: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    },
  );
}

if (require.main === module) runCli(process.argv.slice(2));
