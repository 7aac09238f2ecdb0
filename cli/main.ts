// The `stride` command: check, summary, lsp (and train/predict where the training package is present).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, type Analysis, type ModelAnalysis } from '../core/analyze';
import { ExportRefused } from '../export/refusal';
import { modelAt, modelChoiceError } from '../ide/model-at';
import { modelDiagnostics, modelErrors } from '../ide/model-diagnostics';
import { summarize } from '../ide/summary';
import { formatTable, type TableColumn } from '../ide/summary-table';
import { cacheCommand } from './cache';
import { countOption, InputError, intOption, parseArgs, stringOption, UsageError, type ParsedArgs } from './args';
import { commandNamed, type CommandSpec } from './commands';
import { completionCommand } from './completion';
import { commandHelp, generalHelp } from './help';
import { formatDiagnostics, paint, plain } from './output';
import { predictCommand, train } from './train';

/** Runs the CLI and returns the exit status: 0 ok, 1 errors in the input, 2 usage or I/O errors. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ParsedArgs | undefined;
  try {
    args = parseArgs(argv);
    if (args.options.has('version')) return print(version());
    if (args.command === undefined) return print(generalHelp(), args.options.has('help') ? 0 : 2);
    if (args.options.has('help')) return print(commandHelp(commandNamed(args.command) as CommandSpec));
    switch (args.command) {
      case 'help':
        return help(args);
      case 'completion':
        return print(completionCommand(args));
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
        return await (require('./lsp') as typeof import('./lsp')).lspCommand(args);
      default:
        throw new UsageError(`unknown command '${args.command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError) {
      const command = e instanceof UsageError ? (e.command ?? args?.command) : undefined;
      const see = e instanceof UsageError ? ` (see '${command && command !== 'help' ? `stride ${command} --help` : 'stride help'}')` : '';
      process.stderr.write(`${paint(process.stderr, 31, 'stride: error:')} ${plain(e.message, true)}${see}\n`);
      return e instanceof InputError ? e.status : 2;
    }
    throw e;
  }
}

/** `stride help [COMMAND]`. */
function help(args: ParsedArgs): number {
  if (args.positionals.length === 0) return print(generalHelp());
  const command = commandNamed(args.positionals[0]);
  if (!command || args.positionals.length > 1) throw new UsageError(`help takes one command name, got '${args.positionals.join(' ')}'`);
  return print(commandHelp(command));
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
  // With --model, diagnostics of the other models (and of what only they use) are noise.
  const shown = model === undefined ? analysis : { ...analysis, diagnostics: modelDiagnostics(analysis, model) };
  const result = summarize(shown, { model, batch: intOption(args.options, 'batch') });
  if (args.options.has('json')) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    const table = {
      depth: countOption(args.options, 'depth'),
      columns: args.options
        .get('columns')
        ?.toString()
        .split(',')
        .map((c) => c.trim()) as TableColumn[] | undefined,
    };
    process.stdout.write(result.models.map((m) => formatTable(m, table)).join('\n\n') + '\n');
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
  const errors = modelErrors(analysis, model.graph.name);
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

/** Loaded on demand: the layout engine is large, and `check` must not pay for it. */
function plotModule(): typeof import('./plot') {
  return require('./plot') as typeof import('./plot');
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
