// Command-line parsing for `stride`: strict and per command, from the one table in cli/commands.ts. Anything the
// table does not accept is a usage error before a command runs, so a typo never starts a run with defaults.

import { closest, editDistance } from '../core/model/suggest';
import { COMMANDS, commandNamed, HELP_OPTION, optionsOf, VERSION_OPTION, type CommandSpec, type OptionSpec } from './commands';

export interface ParsedArgs {
  readonly command: string | undefined;
  readonly positionals: string[];
  readonly options: Map<string, string | true>;
}

/** A mistake in the command line: reported on one line with where to read more, exit status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help the message points to; undefined: the general help. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** A problem with the user's files or data: reported as `stride: error: …`, exit status 2 (1 for unusable data). */
export class InputError extends Error {
  constructor(
    message: string,
    /** 1: the data given cannot be used (a missing or undecodable image, an empty data folder); 2: anything else. */
    readonly status: 1 | 2 = 2,
  ) {
    super(message);
  }
}

/** Parses argv (without node and script) against the table: `--name value`, `--name=value`, flags, `-h`, `-V`. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const at = argv.findIndex((a) => !a.startsWith('-') || a === '-');
  const global = at < 0 ? argv : argv.slice(0, at);
  const options = new Map<string, string | true>();
  for (const arg of global) {
    const spec = [HELP_OPTION, VERSION_OPTION].find((o) => arg === `--${o.name}` || arg === `-${o.short}`);
    if (!spec) throw new UsageError(`unknown option '${arg}' before the command${didYouMean(arg, [HELP_OPTION, VERSION_OPTION])}`);
    options.set(spec.name, true);
  }
  if (at < 0) return { command: undefined, positionals: [], options };
  const command = commandNamed(argv[at]);
  if (!command) {
    const guess = guessCommand(argv[at]);
    throw new UsageError(`unknown command '${argv[at]}'${guess ? `; did you mean '${guess}'?` : ''}`);
  }
  const parsed = parseCommand(command, argv.slice(at + 1), options);
  checkEngine(command, parsed.options);
  return parsed;
}

/** A command name within two edits (`trian` → `train`): command names are short, and a swap costs two. */
function guessCommand(written: string): string | undefined {
  const scored = COMMANDS.map((c) => ({ name: c.name, d: editDistance(written, c.name) })).sort((a, b) => a.d - b.d);
  return scored[0].d <= Math.min(2, Math.floor(written.length / 2)) ? scored[0].name : undefined;
}

function parseCommand(command: CommandSpec, argv: readonly string[], options: Map<string, string | true>): ParsedArgs {
  const positionals: string[] = [];
  const specs = [...optionsOf(command), VERSION_OPTION];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const written = eq < 0 ? arg : arg.slice(0, eq);
    const spec = specs.find((o) => written === `--${o.name}` || (o.short !== undefined && written === `-${o.short}`));
    if (!spec) throw new UsageError(unknownOption(written, command), command.name);
    if (options.has(spec.name)) throw new UsageError(`option --${spec.name} is given twice`, command.name);
    if (spec.value === undefined) {
      if (eq >= 0) throw new UsageError(`option --${spec.name} is a flag and takes no value (got '${arg.slice(eq + 1)}')`, command.name);
      options.set(spec.name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[i + 1];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`option --${spec.name} needs a value (${spec.value})`, command.name);
    if (eq < 0) i++;
    checkValue(spec, value, command.name);
    options.set(spec.name, value);
  }
  return { command: command.name, positionals, options };
}

/** `--epoch` → did you mean `--epochs`; an option of another command says which one it belongs to. */
function unknownOption(written: string, command: CommandSpec): string {
  const own = optionsOf(command);
  const guess = didYouMean(written, own);
  if (guess) return `unknown option '${written}' for ${command.name}${guess}`;
  const owners = COMMANDS.filter((c) => c.options.some((o) => `--${o.name}` === written)).map((c) => c.name);
  if (owners.length > 0) return `option '${written}' is not an option of ${command.name} (it belongs to ${owners.join(', ')})`;
  return `unknown option '${written}' for ${command.name}`;
}

function didYouMean(written: string, specs: readonly OptionSpec[]): string {
  const guess = closest(
    written.replace(/^-+/, ''),
    specs.map((o) => o.name),
  );
  return guess ? `; did you mean '--${guess}'?` : '';
}

/** Types and enumerations are checked at parse time: a bad number never reaches a run. */
function checkValue(spec: OptionSpec, value: string, command: string): void {
  const bad = (what: string) => new UsageError(`option --${spec.name} ${what}, got '${value}'`, command);
  const n = Number(value);
  if (spec.type === 'int' && (value.trim() === '' || !Number.isInteger(n) || n < 1)) throw bad('must be a positive integer');
  if (spec.type === 'count' && (value.trim() === '' || !Number.isInteger(n) || n < 0)) throw bad('must be a whole number (0 or more)');
  if (spec.type === 'number' && (value.trim() === '' || !Number.isFinite(n))) throw bad('must be a number');
  // Values are a closed set unless the option also completes paths (`--data SET|DIR`).
  if (!spec.values || spec.complete !== undefined) return;
  const items = spec.type === 'list' ? value.split(',').map((s) => s.trim()) : [value];
  for (const item of items) {
    if (spec.values.includes(item)) continue;
    const guess = closest(item, spec.values);
    const hint = guess ? `; did you mean '${guess}'?` : '';
    throw new UsageError(`option --${spec.name} does not accept '${item}' (values: ${spec.values.join(', ')})${hint}`, command);
  }
}

/** `train`: options of one engine are refused with the other rather than ignored. */
function checkEngine(command: CommandSpec, options: ReadonlyMap<string, string | true>): void {
  const engine = options.get('engine') ?? 'node';
  for (const o of command.options) {
    if (o.engine === undefined || o.engine === engine || !options.has(o.name)) continue;
    const other = o.engine === 'torch' ? '--engine torch' : 'the default engine (node)';
    throw new UsageError(`option --${o.name} works only with ${other}`, command.name);
  }
}

export function intOption(options: ParsedArgs['options'], name: string): number | undefined {
  const v = options.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${v === true ? '' : v}'`);
  return n;
}

/** A whole number, 0 allowed (`--depth 0`); the parser has checked it. */
export function countOption(options: ParsedArgs['options'], name: string): number | undefined {
  const v = options.get(name);
  return typeof v === 'string' ? Number(v) : undefined;
}

export function stringOption(options: ParsedArgs['options'], name: string): string | undefined {
  const v = options.get(name);
  if (v === true) throw new UsageError(`option --${name} needs a value`);
  return v;
}
