// `stride completion bash|zsh`: shell completion scripts written from the command table (commands, each command's
// options, the values of enumerated options, .stride files and folders where a command wants them).

import { COMMANDS, HELP_OPTION, optionsOf, VERSION_OPTION, type CommandSpec, type Completion, type OptionSpec } from './commands';
import { UsageError, type ParsedArgs } from './args';

export function completionCommand(args: ParsedArgs): string {
  const shell = args.positionals[0];
  if (args.positionals.length !== 1 || (shell !== 'bash' && shell !== 'zsh'))
    throw new UsageError(`completion takes the shell: bash or zsh${shell ? `, got '${args.positionals.join(' ')}'` : ''}`);
  return shell === 'bash' ? bashScript() : zshScript();
}

/** The bash words that complete one kind of argument, as a `COMPREPLY=(…)` right-hand side. */
const BASH_FILES: Record<Exclude<Completion, 'none'>, string> = {
  stride: `$(compgen -d -- "$cur") $(compgen -f -X '!*.stride' -- "$cur")`,
  image: `$(compgen -d -- "$cur") $(compgen -f -X '!*.@(png|PNG|jpg|JPG|jpeg|JPEG)' -- "$cur")`,
  model: `$(compgen -d -- "$cur") $(compgen -f -X '!*.@(onnx|json|keras|h5)' -- "$cur")`,
  safetensors: `$(compgen -d -- "$cur") $(compgen -f -X '!*.safetensors' -- "$cur")`,
  file: `$(compgen -f -- "$cur")`,
  dir: `$(compgen -d -- "$cur")`,
};

const quoteWords = (words: readonly string[]) => words.join(' ');

function bashReply(what: Completion | readonly string[], values?: readonly string[]): string {
  const words = typeof what === 'string' ? (what === 'none' ? '' : BASH_FILES[what]) : `$(compgen -W "${quoteWords(what)}" -- "$cur")`;
  const enumerated = values ? `$(compgen -W "${quoteWords(values)}" -- "$cur") ` : '';
  return `COMPREPLY=(${enumerated}${words})`;
}

/** A comma-separated list (`--columns name,pa`): the words before the last comma stay, the last one completes. */
function bashList(values: readonly string[]): string {
  return `local pre=""; [[ $cur == *,* ]] && pre="\${cur%,*},"; COMPREPLY=($(compgen -P "$pre" -W "${quoteWords(values)}" -- "\${cur##*,}"))`;
}

function positionalsOf(c: CommandSpec): readonly (Completion | readonly string[])[] {
  return c.name === 'help' ? [COMMANDS.map((x) => x.name)] : c.positionals;
}

function bashCommand(c: CommandSpec): string {
  const options = optionsOf(c);
  const valued = options.filter((o) => o.value !== undefined);
  const values = valued.map(
    (o) => `        --${o.name}) ${o.type === 'list' ? bashList(o.values ?? []) : bashReply(o.complete ?? (o.values ? [] : 'none'), o.values)}; return ;;`,
  );
  const positionals = positionalsOf(c);
  const last = positionals.length - 1;
  const byIndex = positionals.map((p, i) => `        ${i === last ? '*' : i}) ${bashReply(p)} ;;`);
  return [
    `    ${c.name})`,
    `      valued=" ${valued.map((o) => `--${o.name}`).join(' ')} "`,
    `      case "$prev" in`,
    ...values,
    `      esac`,
    `      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "${options.map((o) => `--${o.name}`).join(' ')}" -- "$cur")); return; fi`,
    `      _stride_count "$valued"`,
    positionals.length > 0 ? `      case "$npos" in\n${byIndex.join('\n')}\n      esac` : '      COMPREPLY=()',
    `      ;;`,
  ].join('\n');
}

function bashScript(): string {
  return `# bash completion for stride: source <(stride completion bash)
# Counts the positional arguments before the cursor (option values skipped) into npos.
_stride_count() {
  local i w skip=0
  npos=0
  for ((i = 2; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    if [[ $w == -* && $w != - ]]; then
      [[ $w != *=* && $1 == *" $w "* ]] && skip=1
      continue
    fi
    ((npos++))
  done
}
_stride() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" valued npos
  ((COMP_CWORD > 0)) && prev="\${COMP_WORDS[COMP_CWORD - 1]}"
  ((COMP_CWORD > 1)) && cmd="\${COMP_WORDS[1]}"
  if ((COMP_CWORD == 1)); then
    COMPREPLY=($(compgen -W "${COMMANDS.map((c) => c.name).join(' ')} --${HELP_OPTION.name} --${VERSION_OPTION.name}" -- "$cur"))
    return
  fi
  case "$cmd" in
${COMMANDS.map(bashCommand).join('\n')}
  esac
}
shopt -s extglob
complete -o filenames -F _stride stride
`;
}

/** Text inside a zsh `_arguments` spec: brackets, colons and quotes would end it. */
const zshText = (s: string) => s.replace(/\[/g, '(').replace(/\]/g, ')').replace(/:/g, ' -').replace(/'/g, '');

const ZSH_FILES: Record<Completion, string> = {
  stride: "_files -g '*.stride'",
  image: "_files -g '*.(png|PNG|jpg|JPG|jpeg|JPEG)'",
  model: "_files -g '*.(onnx|json|keras|h5)'",
  safetensors: "_files -g '*.safetensors'",
  file: '_files',
  dir: '_files -/',
  none: ' ',
};

function zshAction(what: Completion | readonly string[], values?: readonly string[], list = false): string {
  if (values && list) return `_values -s , item ${values.join(' ')}`;
  if (values && what !== 'dir') return `(${values.join(' ')})`;
  if (values) return `{_values value ${values.join(' ')}; _files -/}`;
  return typeof what === 'string' ? ZSH_FILES[what] : `(${what.join(' ')})`;
}

function zshOption(o: OptionSpec): string {
  const head = `--${o.name}[${zshText(o.help)}]`;
  if (o.value === undefined) return `'${head}'`;
  return `'${head}:${zshText(o.value)}:${zshAction(o.complete ?? (o.values ? [] : 'none'), o.values, o.type === 'list')}'`;
}

function zshCommand(c: CommandSpec): string {
  const positionals = positionalsOf(c).map((p, i, all) => `'${i === all.length - 1 ? '*' : i + 1}:arg:${zshAction(p)}'`);
  return `    ${c.name}) _arguments ${[...optionsOf(c).map(zshOption), ...positionals].join(' ')} ;;`;
}

function zshScript(): string {
  return `#compdef stride
# zsh completion for stride: source <(stride completion zsh), or save as _stride on $fpath
_stride() {
  local -a commands
  commands=(${COMMANDS.map((c) => `'${c.name}:${zshText(c.summary)}'`).join(' ')})
  if (( CURRENT == 2 )); then
    _describe command commands
    return
  fi
  local cmd=$words[2]
  shift words
  (( CURRENT-- ))
  case $cmd in
${COMMANDS.map(zshCommand).join('\n')}
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _stride "$@"; else compdef _stride stride; fi
`;
}
