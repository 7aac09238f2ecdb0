// The one table of `stride` commands and their options: parsing (cli/args.ts), help (cli/help.ts) and shell completion
// (cli/completion.ts) all read it, so an option exists, is documented and completes in one place.

import { TABLE_COLUMNS } from '../ide/summary-table';

/** How an option's value is read and checked before any command runs. */
export type ValueType = 'string' | 'int' | 'count' | 'number' | 'list';

/** What a shell offers for a value or a positional argument. */
export type Completion = 'stride' | 'file' | 'dir' | 'image' | 'model' | 'safetensors' | 'none';

export interface OptionSpec {
  readonly name: string;
  /** One-letter alias (`-h`). */
  readonly short?: string;
  /** Absent: a flag, which takes no value. Present: the placeholder shown in help (`N`, `DIR`). */
  readonly value?: string;
  readonly type?: ValueType;
  /** The accepted values, when they are a fixed set (for a `list`, each item's). */
  readonly values?: readonly string[];
  readonly complete?: Completion;
  /** For `train`: the engine the option belongs to; given with the other engine it is an error. */
  readonly engine?: 'node' | 'torch';
  readonly help: string;
}

export interface CommandSpec {
  readonly name: string;
  /** The positional part of the synopsis (`FILE IMAGE...`). */
  readonly args: string;
  readonly summary: string;
  /** More lines for `stride help COMMAND`. */
  readonly details?: string;
  readonly options: readonly OptionSpec[];
  /** Completion of the positional arguments in order; the last repeats. A word list completes those words. */
  readonly positionals: readonly (Completion | readonly string[])[];
}

export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', help: 'Show help for the command' };
export const VERSION_OPTION: OptionSpec = { name: 'version', short: 'V', help: 'Print the version' };

const model: OptionSpec = {
  name: 'model',
  value: 'NAME',
  complete: 'none',
  help: 'Pick one model of the file (default: the one its train section trains, else the first)',
};
const json: OptionSpec = { name: 'json', help: 'Machine-readable output' };
const batch = (help: string): OptionSpec => ({ name: 'batch', value: 'N', type: 'int', complete: 'none', help });
const out = (help: string, complete: Completion = 'file'): OptionSpec => ({ name: 'out', value: complete === 'dir' ? 'DIR' : 'PATH', complete, help });
const streamData: OptionSpec = { name: 'stream-data', help: 'torch-ddp: train.py reads an image folder batch by batch instead of a packed copy' };
const DATA_SETS = ['shapes', 'mnist', 'fashion_mnist', 'cifar10'];
const data: OptionSpec = {
  name: 'data',
  value: 'SET|DIR',
  values: DATA_SETS,
  complete: 'dir',
  help: `Data instead of the train section's: ${DATA_SETS.join(', ')} or an image folder`,
};
const epochs: OptionSpec = { name: 'epochs', value: 'N', type: 'int', complete: 'none', help: "Epochs instead of the train section's" };
const limit: OptionSpec = { name: 'limit', value: 'N', type: 'int', complete: 'none', help: 'Use at most N training samples (a quick trial)' };
const name: OptionSpec = { name: 'name', value: 'M', complete: 'none', help: 'Name of the model written (default: from the file)' };
const weightsOut: OptionSpec = {
  name: 'weights-out',
  value: 'DIR',
  complete: 'dir',
  help: 'Write the weights here instead of NAME.weights/MODEL beside the .stride',
};
const noWeights: OptionSpec = { name: 'no-weights', help: 'Write the text only' };

export const EXPORT_FORMATS = ['pytorch', 'onnx', 'keras', 'tfjs', 'json', 'torch-ddp'] as const;
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'check',
    args: 'FILE...',
    summary: 'Report diagnostics (exit status 1 on errors)',
    options: [json, { name: 'quiet', help: 'No closing count of errors and warnings' }],
    positionals: ['stride'],
  },
  {
    name: 'summary',
    args: 'FILE',
    summary: 'Layer table with shapes, parameters, MACs, memory and receptive fields',
    details: [
      'Every layer is a row by default; --depth N folds each block instance nested deeper than N into one row with',
      "its totals (torchinfo's depth). --columns picks the table's columns (memory: activations per sample; default:",
      'all but memory). --json prints every layer with every field.',
    ].join('\n'),
    options: [
      model,
      batch("Batch size for the training-memory estimate (default: the train section's, else 32)"),
      { name: 'depth', value: 'N', type: 'count', complete: 'none', help: 'Show blocks nested deeper than N as one row with their totals (0: top level only)' },
      { name: 'columns', value: 'LIST', type: 'list', values: TABLE_COLUMNS, help: `Comma-separated columns to show, of ${TABLE_COLUMNS.join(', ')}` },
      json,
    ],
    positionals: ['stride'],
  },
  {
    name: 'export',
    args: 'FILE',
    summary: 'Export the model for another framework',
    details:
      "A one-file text format goes to stdout without --out; the others are written beside FILE (MODEL plus the\nformat's suffix). docs/export-formats.md lists what each format supports.",
    options: [
      model,
      { name: 'format', value: 'F', values: EXPORT_FORMATS, help: 'pytorch (default), onnx, keras, tfjs, json or torch-ddp (a PyTorch DDP training project)' },
      { name: 'weights', value: 'DIR', complete: 'dir', help: 'Carry trained weights from this folder (default: the seeded initial ones)' },
      { name: 'logits', help: 'Leave out a final softmax or sigmoid' },
      out('Where to write (default: stdout for text formats, else beside FILE)'),
      streamData,
    ],
    positionals: ['stride'],
  },
  {
    name: 'plot',
    args: 'FILE',
    summary: 'Draw the architecture as the preview does',
    details: 'Blocks are drawn expanded unless the model is large; png needs playwright-core and Chromium.',
    options: [
      model,
      { name: 'format', value: 'F', values: ['svg', 'png', 'dot'], help: 'svg (default), png or dot (Graphviz)' },
      { name: 'collapsed', help: 'Draw every block as one box' },
      { name: 'expanded', help: 'Draw every block with its layers' },
      { name: 'theme', value: 'T', values: ['light', 'dark'], help: 'light (default) or dark' },
      out('Where to write (default: MODEL.FORMAT beside FILE; - for stdout, svg and dot)'),
    ],
    positionals: ['stride'],
  },
  {
    name: 'train',
    args: 'FILE',
    summary: "Train with the file's train section",
    details: [
      "weights/, metrics.jsonl and metrics.csv go to --out (default FILE's folder/NAME.runs/MODEL), a folder that is",
      "new, empty or Stride's own. Ctrl-C stops after the current batch and keeps the weights; --resume continues it.",
      "With --engine torch the torch-ddp project is written into the run folder's torch/ and run with python train.py",
      '(torchrun for --nproc N > 1; interpreter: --python, else STRIDE_PYTHON, else python3); the weights come back.',
    ].join('\n'),
    options: [
      model,
      epochs,
      batch("Batch size instead of the train section's"),
      data,
      limit,
      out('Run folder (default: NAME.runs/MODEL beside FILE)', 'dir'),
      { name: 'engine', value: 'E', values: ['node', 'torch'], help: "node (default: Stride's own trainer) or torch (PyTorch, DDP)" },
      { name: 'backend', value: 'B', values: BACKENDS, engine: 'node', help: 'auto (default), tensorflow (tfjs-node), wasm or cpu' },
      {
        name: 'threads',
        value: 'N',
        type: 'int',
        complete: 'none',
        engine: 'node',
        help: 'Train on N threads, data-parallel: each takes a share of every batch (default 1; batch norm sees each share)',
      },
      { name: 'tensorboard', value: 'DIR', complete: 'dir', help: 'Also write TensorBoard event files (tensorboard --logdir DIR)' },
      {
        name: 'init',
        value: 'DIR',
        complete: 'dir',
        help: "Start from saved weights (fine-tuning, e.g. an imported model's; over the train section's init:)",
      },
      { name: 'nproc', value: 'N', type: 'int', complete: 'none', engine: 'torch', help: 'Processes (torchrun; default 1)' },
      { name: 'python', value: 'PY', complete: 'file', engine: 'torch', help: 'Python interpreter (default: STRIDE_PYTHON, else python3)' },
      {
        name: 'resume',
        help: 'Continue a stopped run from its last checkpoint (every epoch ends with one, and Ctrl-C leaves one where it stops), exactly as if it had not stopped',
      },
      { ...streamData, engine: 'torch' },
    ],
    positionals: ['stride'],
  },
  {
    name: 'predict',
    args: 'FILE IMAGE...',
    summary: 'Classify images with trained weights',
    details: "Weights: --weights DIR, else the last `stride train` run, else the editor's (NAME.weights/MODEL).",
    options: [
      model,
      { name: 'weights', value: 'DIR', complete: 'dir', help: 'Weights folder (model.json + weights.bin) or run folder' },
      { name: 'top', value: 'K', type: 'int', complete: 'none', help: 'Show the K most likely classes (default 3)' },
      { name: 'backend', value: 'B', values: BACKENDS, help: 'auto (default), tensorflow (tfjs-node), wasm or cpu' },
    ],
    positionals: ['stride', 'image'],
  },
  {
    name: 'import',
    args: 'FILE.onnx|model.json|FILE.keras|FILE.h5',
    summary: 'Write an ONNX, tfjs or Keras model as a .stride model, with its weights',
    details: [
      'The text goes beside FILE (--out - for stdout); the weights go where predict and the editor look',
      '(NAME.weights/MODEL beside the .stride).',
    ].join('\n'),
    options: [
      name,
      out('Where to write the .stride text (- for stdout)'),
      weightsOut,
      noWeights,
      { name: 'partial', help: 'ONNX: import up to the first node that cannot be read (text only)' },
      { name: 'flat', help: 'ONNX: one line per layer (no recovered blocks)' },
    ],
    positionals: ['model'],
  },
  {
    name: 'import-weights',
    args: 'FILE WEIGHTS.safetensors',
    summary: "Save a PyTorch run's weights (train.py's weights.safetensors) as Stride's",
    options: [model, out("Weights folder (default: FILE's run folder/weights)", 'dir')],
    positionals: ['stride', 'safetensors'],
  },
  {
    name: 'data',
    args: 'export shapes DIR',
    summary: 'Write the built-in shapes data set as an image folder (one PNG per image)',
    options: [
      { name: 'count', value: 'N', type: 'int', complete: 'none', help: 'Images to draw' },
      { name: 'size', value: 'H,W,C', complete: 'none', help: 'Image size (default 32,32,1; 1 or 3 channels)' },
      { name: 'seed', value: 'S', type: 'number', complete: 'none', help: 'Random seed' },
      { name: 'noise', value: 'X', type: 'number', complete: 'none', help: 'Noise level' },
    ],
    positionals: [['export'], ['shapes'], 'dir'],
  },
  {
    name: 'cache',
    args: '[clear]',
    summary: 'Show where downloaded data sets are kept and their size, or delete them',
    options: [],
    positionals: [['clear']],
  },
  {
    name: 'completion',
    args: 'bash|zsh',
    summary: 'Print a shell completion script',
    details: 'bash: source <(stride completion bash)   zsh: source <(stride completion zsh)',
    options: [],
    positionals: [['bash', 'zsh']],
  },
  {
    name: 'lsp',
    args: '',
    summary: 'Start the language server on stdin/stdout',
    options: [
      { name: 'stdio', help: 'Speak LSP on stdin and stdout (the only transport)' },
      {
        name: 'young-generation-mb',
        value: 'N',
        type: 'count',
        complete: 'none',
        help: "Largest young-generation semi-space of the server's heap in MB, as the setting stride.server.youngGenerationMB (default 128; 0: Node's default)",
      },
    ],
    positionals: [],
  },
  { name: 'help', args: '[COMMAND]', summary: "Show this help, or one command's", options: [], positionals: [[]] },
];

export function commandNamed(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The options a command accepts, --help included. */
export function optionsOf(command: CommandSpec): readonly OptionSpec[] {
  return [...command.options, HELP_OPTION];
}
