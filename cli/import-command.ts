// `stride import FILE.onnx` (tfjs and Keras files go to import-model.ts): writes the ONNX model as a `.stride` file beside it, and its weights as a Stride weights
// folder when asked (the importer, and tfjs for the weights, are loaded only here).

import * as fs from 'node:fs';
import { NotStrideFolderError } from '../train/node/saved-owner';
import { InputError, stringOption, UsageError, type ParsedArgs } from './args';

type Importer = typeof import('../import/index');
type WeightsWriter = typeof import('../import/weights-out');

/**
 * Imports one ONNX file; the `.stride` text goes to --out (default: FILE with `.stride`), `-` for stdout. `--flat`
 * writes one line per layer, without recovering repeated blocks. With
 * --weights-out DIR the weights are converted too and saved in DIR, which `stride predict --weights DIR` reads.
 */
export async function importCommand(args: ParsedArgs): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('import takes exactly one model file');
  const weightsOut = stringOption(args.options, 'weights-out');
  if (weightsOut !== undefined && weightsOut.trim() === '') throw new UsageError('--weights-out is an empty path; give a folder name');
  const model = require('./import-model') as typeof import('./import-model');
  if (model.MODEL_FILE.test(args.positionals[0])) return model.importModelCommand(args);
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
  if (options.partial && weightsOut !== undefined)
    throw new UsageError('--partial and --weights-out do not go together: a partial model has only part of the weights');
  const text = await userFacing(importer, async () => {
    if (weightsOut === undefined) return importer.importFile(bytes, file, name, options);
    const imported = importer.importOnnxModel(bytes, file, name, options);
    const written = await (require('../import/weights-out') as WeightsWriter).writeWeightsFolder(imported, imported.model, weightsOut);
    process.stderr.write(`wrote ${written.dir} (weights of ${written.layers} layers, ${written.values} values)\n`);
    return imported.text;
  });
  const stopped = /\n# (stopped at .*)\n$/.exec(text);
  if (stopped) process.stderr.write(`note: partial import, ${stopped[1]}\n`);
  const out = stringOption(args.options, 'out') ?? file.replace(/(\.onnx)?$/i, '.stride');
  if (out === '-') process.stdout.write(text);
  else {
    fs.writeFileSync(out, text);
    process.stderr.write(`wrote ${out}\n`);
  }
  return 0;
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
