// `stride import` for tfjs model.json and Keras (.keras, .h5) files: the `.stride` text, and the weights with --weights-out.

import * as fs from 'node:fs';
import { NotStrideFolderError } from '../train/node/saved-owner';
import { InputError, stringOption, type ParsedArgs } from './args';

type Importer = typeof import('../import/index');
type WeightsWriter = typeof import('../import/weights-out');

/** Files this command reads (ONNX files go through the ONNX import). */
export const MODEL_FILE = /(\.json|\.keras|\.h5|\.hdf5)$/i;

/** Imports one tfjs or Keras file; the text goes to --out (default: FILE with `.stride`), `-` for stdout. */
export async function importModelCommand(args: ParsedArgs): Promise<number> {
  const file = args.positionals[0];
  const weightsOut = stringOption(args.options, 'weights-out');
  const importer = require('../import/index') as Importer;
  let text: string;
  try {
    const imported = importer.importPath(file, stringOption(args.options, 'name'));
    text = imported.text;
    if (weightsOut !== undefined) {
      const written = await (require('../import/weights-out') as WeightsWriter).writeWeightsFolder(imported, imported.model, weightsOut);
      process.stderr.write(`wrote ${written.dir} (weights of ${written.layers} layers, ${written.values} values)\n`);
    }
  } catch (e) {
    if (e instanceof importer.ImportError || e instanceof NotStrideFolderError) throw new InputError(e.message);
    throw e;
  }
  const out = stringOption(args.options, 'out') ?? file.replace(MODEL_FILE, '.stride');
  if (out === '-') process.stdout.write(text);
  else {
    fs.writeFileSync(out, text);
    process.stderr.write(`wrote ${out}\n`);
  }
  return 0;
}
