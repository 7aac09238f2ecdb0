// `stride help`, `stride help COMMAND` and `--help`: written from the command table, so every option is documented.

import { COMMANDS, HELP_OPTION, optionsOf, VERSION_OPTION, type CommandSpec, type OptionSpec } from './commands';

/** The general help: every command with its synopsis and options, then the global options. */
export function generalHelp(): string {
  const lines = ['Usage: stride <command> [options]', '       stride help COMMAND    (or stride COMMAND --help)', '', 'Commands:'];
  for (const c of COMMANDS) {
    lines.push(`  ${synopsis(c)}`);
    lines.push(`      ${c.summary}`);
  }
  lines.push('', 'Options of every command:', ...optionLines([HELP_OPTION, VERSION_OPTION]));
  lines.push('', "Run 'stride help COMMAND' for a command's options and their values.");
  return lines.join('\n');
}

/** One command's help: synopsis, what it does, each option with its values. */
export function commandHelp(command: CommandSpec): string {
  const lines = [`Usage: stride ${command.name}${command.args ? ` ${command.args}` : ''} [options]`, '', command.summary + '.'];
  if (command.details) lines.push(...command.details.split('\n'));
  lines.push('', 'Options:', ...optionLines(optionsOf(command)));
  return lines.join('\n');
}

function synopsis(c: CommandSpec): string {
  const options = c.options.map((o) => `[--${o.name}${o.value ? ` ${o.values && !o.complete ? o.values.join('|') : o.value}` : ''}]`);
  return wrap([`${c.name}${c.args ? ` ${c.args}` : ''}`, ...options], 100, '      ').join('\n');
}

function optionLines(options: readonly OptionSpec[]): string[] {
  const heads = options.map((o) => `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.value ? ` ${o.value}` : ''}`);
  const width = Math.max(...heads.map((h) => h.length));
  return options.map((o, i) => {
    const values = o.values && !o.values.every((v) => o.help.includes(v)) ? ` [${o.type === 'list' ? 'of ' : ''}${o.values.join(', ')}]` : '';
    const only = o.engine ? ` (--engine ${o.engine})` : '';
    return `  ${heads[i].padEnd(width)}  ${o.help}${values}${only}`;
  });
}

/** Words joined by spaces into lines of at most `width`, continuation lines indented. */
function wrap(words: readonly string[], width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = indent + w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}
