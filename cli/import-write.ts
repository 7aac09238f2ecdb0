// What `stride import` writes: the `.stride` text, then the imported weights where `stride predict` and the editor
// look for a model's trained weights (`NAME.weights/MODEL` beside the text), or in --weights-out DIR.

import * as fs from 'node:fs';
import type { Imported } from '../import/imported';
import { NotStrideFolderError } from '../train/node/saved-owner';
import { weightsDir } from '../train/node/saved-files';
import { InputError, stringOption, UsageError, type ParsedArgs } from './args';

type WeightsWriter = typeof import('../import/weights-out');
type Importer = typeof import('../import/index');

/** Where the weights go: nowhere (--no-weights), the default place beside the text, or the folder given. */
export type WeightsChoice = { readonly kind: 'none' } | { readonly kind: 'default' } | { readonly kind: 'given'; readonly dir: string };

/** Reads --weights-out and --no-weights (which do not go together). */
export function weightsChoice(args: ParsedArgs): WeightsChoice {
  const given = stringOption(args.options, 'weights-out');
  const none = args.options.get('no-weights') === true;
  if (given !== undefined && given.trim() === '') throw new UsageError('--weights-out is an empty path; give a folder name');
  if (given !== undefined && none) throw new UsageError('--weights-out and --no-weights do not go together');
  if (none) return { kind: 'none' };
  return given === undefined ? { kind: 'default' } : { kind: 'given', dir: given };
}

/** Whether the import must convert the weights: not when none are wanted or the text goes to stdout without a folder. */
export function wantsWeights(choice: WeightsChoice, out: string): boolean {
  return choice.kind === 'given' || (choice.kind === 'default' && out !== '-');
}

/** An import's text, and its weights when they were converted (null: none asked for, or the file has none). */
export interface ImportedFile {
  readonly text: string;
  readonly model: string;
  readonly imported: Imported | null;
  /** Why the weights could not be read while the text could (an ONNX tensor type Stride does not import). */
  readonly weightsError?: string;
}

/**
 * Writes the text to `out` (`-`: stdout), then the weights: into the folder given, else beside `out` where predict
 * and the editor look. The text is written even when the weights are refused; that refusal is then the command's
 * error (exit status 2), so a script notices the model has no weights.
 */
export async function writeImport(file: string, result: ImportedFile, out: string, choice: WeightsChoice, importer: Importer): Promise<number> {
  if (out === '-') process.stdout.write(result.text);
  else {
    fs.writeFileSync(out, result.text);
    process.stderr.write(`wrote ${out}\n`);
  }
  if (choice.kind === 'none') return 0;
  const dir = choice.kind === 'given' ? choice.dir : out === '-' ? undefined : weightsDir(out, result.model);
  // Text on stdout has no file for the weights to sit beside: only --weights-out saves them then.
  if (dir === undefined) return 0;
  const refused = (why: string) => new InputError(`weights not saved: ${why}${out === '-' ? '' : ` (${out} was written; --no-weights imports the text only)`}`);
  if (result.weightsError !== undefined) throw refused(result.weightsError);
  if (!result.imported?.weights) {
    if (choice.kind === 'given') throw refused(`${file} holds no weights`);
    process.stderr.write(`note: ${file} holds no weights; none saved\n`);
    return 0;
  }
  try {
    const writer = require('../import/weights-out') as WeightsWriter;
    const written = await writer.writeWeightsFolder(result.imported, result.model, dir);
    process.stderr.write(`wrote ${written.dir} (weights of ${written.layers} layers, ${written.values} values)\n`);
  } catch (e) {
    if (e instanceof importer.ImportError || e instanceof NotStrideFolderError) throw refused(e.message);
    throw e;
  }
  return 0;
}
