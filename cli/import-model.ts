// `stride import` for tfjs model.json and Keras (.keras, .h5) files: the `.stride` text, and the weights where
// `stride predict` and the editor look for them (or in --weights-out DIR, or not with --no-weights).

import { NotStrideFolderError } from '../train/node/saved-owner';
import { InputError, stringOption, type ParsedArgs } from './args';
import { writeImport, type WeightsChoice } from './import-write';

type Importer = typeof import('../import/index');

/** Files this command reads (ONNX files go through the ONNX import). */
export const MODEL_FILE = /(\.json|\.keras|\.h5|\.hdf5)$/i;

/** Imports one tfjs or Keras file; the text goes to --out (default: FILE with `.stride`), `-` for stdout. */
export async function importModelCommand(args: ParsedArgs, choice: WeightsChoice): Promise<number> {
  const file = args.positionals[0];
  const importer = require('../import/index') as Importer;
  const out = stringOption(args.options, 'out') ?? file.replace(MODEL_FILE, '.stride');
  try {
    const imported = importer.importPath(file, stringOption(args.options, 'name'));
    return await writeImport(file, { text: imported.text, model: imported.model, imported }, out, choice, importer);
  } catch (e) {
    if (e instanceof importer.ImportError || e instanceof NotStrideFolderError) throw new InputError(e.message);
    throw e;
  }
}
