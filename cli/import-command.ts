// `stride import FILE.onnx` (tfjs and Keras files go to import-model.ts): writes the ONNX model as a `.stride` file beside it, and its weights as a Stride weights
// folder where `stride predict` and the editor look for them (the importer, and tfjs for the weights, are loaded only here).

import * as fs from 'node:fs';
import { NotStrideFolderError } from '../train/node/saved-owner';
import { InputError, stringOption, UsageError, type ParsedArgs } from './args';
import { wantsWeights, weightsChoice, writeImport, type ImportedFile } from './import-write';

type Importer = typeof import('../import/index');
type Options = import('../import/index').ImportOptions;

/**
 * Imports one ONNX file; the `.stride` text goes to --out (default: FILE with `.stride`), `-` for stdout. `--flat`
 * writes one line per layer, without recovering repeated blocks. The weights are converted too and saved in
 * `NAME.weights/MODEL` beside the text (where predict and the editor look), in --weights-out DIR, or not with --no-weights.
 */
export async function importCommand(args: ParsedArgs): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('import takes exactly one model file');
  const choice = weightsChoice(args);
  const model = require('./import-model') as typeof import('./import-model');
  if (model.MODEL_FILE.test(args.positionals[0])) return model.importModelCommand(args, choice);
  const file = args.positionals[0];
  const importer = require('../import/index') as Importer;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const name = stringOption(args.options, 'name');
  const options = { partial: args.options.get('partial') === true, flat: args.options.get('flat') === true };
  if (options.partial && choice.kind === 'given')
    throw new UsageError('--partial and --weights-out do not go together: a partial model has only part of the weights');
  const out = stringOption(args.options, 'out') ?? file.replace(/(\.onnx)?$/i, '.stride');
  // A partial model has only part of the weights: its text is written alone.
  const withWeights = wantsWeights(choice, out) && !options.partial;
  const result = await userFacing(importer, () => importOnnx(importer, { bytes, file, name, options }, withWeights));
  const stopped = /\n# (stopped at .*)\n$/.exec(result.text);
  if (stopped) process.stderr.write(`note: partial import, ${stopped[1]}${wantsWeights(choice, out) ? '; weights not saved' : ''}\n`);
  return userFacing(importer, () => writeImport(file, result, out, withWeights ? choice : { kind: 'none' }, importer));
}

/**
 * The text, and the weights when asked. Weights the importer refuses (a tensor type it does not read) while the
 * text imports leave the text to be written, with the refusal kept for the report.
 */
function importOnnx(importer: Importer, f: { bytes: Buffer; file: string; name?: string; options: Options }, withWeights: boolean): ImportedFile {
  if (!withWeights) return { text: importer.importFile(f.bytes, f.file, f.name, f.options), model: '', imported: null };
  try {
    const imported = importer.importOnnxModel(f.bytes, f.file, f.name, f.options);
    return { text: imported.text, model: imported.model, imported };
  } catch (e) {
    if (!(e instanceof importer.ImportError)) throw e;
    const text = importer.importFile(f.bytes, f.file, f.name, f.options);
    return { text, model: '', imported: null, weightsError: e.message };
  }
}

/** Import errors (and a weights folder that cannot be written) are the user's input, reported without a stack. */
async function userFacing<T>(importer: Importer, run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof importer.ImportError) throw new InputError(e.message);
    if (e instanceof NotStrideFolderError) throw new InputError(e.message);
    throw e;
  }
}
