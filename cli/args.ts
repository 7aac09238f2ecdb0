// Command-line parsing for `stride`: subcommand, positional files and `--flag value` options. No dependencies.

export interface ParsedArgs {
  readonly command: string | undefined;
  readonly positionals: string[];
  readonly options: Map<string, string | true>;
}

export class UsageError extends Error {}

/** A problem with the user's files or data: reported as `stride: error: …`, exit status 2. */
export class InputError extends Error {}

/** Parses argv (without node and script). Flags are `--name value`, `--name=value` or boolean `--name`. */
export function parseArgs(argv: readonly string[], booleanFlags: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      if (eq >= 0) options.set(name, arg.slice(eq + 1));
      else if (booleanFlags.has(name)) options.set(name, true);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options.set(name, argv[++i]);
      else throw new UsageError(`option --${name} needs a value`);
    } else if (arg === '-h') {
      options.set('help', true);
    } else if (command === undefined) {
      command = arg;
    } else {
      positionals.push(arg);
    }
  }
  return { command, positionals, options };
}

export function intOption(options: ParsedArgs['options'], name: string): number | undefined {
  const v = options.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${v === true ? '' : v}'`);
  return n;
}

export function stringOption(options: ParsedArgs['options'], name: string): string | undefined {
  const v = options.get(name);
  if (v === true) throw new UsageError(`option --${name} needs a value`);
  return v;
}
