// `stride import FILE.onnx`: writes the ONNX model as a `.stride` file beside it (the importer is loaded only here).

import * as fs from 'node:fs';
import { InputError, stringOption, UsageError, type ParsedArgs } from './args';

type Importer = typeof import('../import/index');

/**
 * Imports one ONNX file; the `.stride` text goes to --out (default: FILE with `.stride`), `-` for stdout. `--flat`
 * writes one line per layer, without recovering repeated blocks.
 */
export function importCommand(args: ParsedArgs): number {
  if (args.positionals.length !== 1) throw new UsageError('import takes exactly one .onnx file');
  if (args.options.has('weights-out')) throw new UsageError('--weights-out is not supported yet: import writes the architecture only');
  const file = args.positionals[0];
  const importer = require('../import/index') as Importer;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let text: string;
  try {
    text = importer.importFile(bytes, file, stringOption(args.options, 'name'), { flat: args.options.get('flat') === true });
  } catch (e) {
    if (e instanceof importer.ImportError) throw new InputError(e.message);
    throw e;
  }
  const out = stringOption(args.options, 'out') ?? file.replace(/(\.onnx)?$/i, '.stride');
  if (out === '-') process.stdout.write(text);
  else {
    fs.writeFileSync(out, text);
    process.stderr.write(`wrote ${out}\n`);
  }
  return 0;
}
