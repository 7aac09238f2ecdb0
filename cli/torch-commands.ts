// `stride import-weights` (PyTorch weights of the torch-ddp project back into Stride) and `stride data export shapes`.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeShapes } from '../train/data/shapes';
import { encodePng } from '../train/node/data/png-write';
import { runDir } from '../train/node/saved-files';
import { prepareRunFolder } from '../train/node/saved-owner';
import { InputError, intOption, stringOption, UsageError, type ParsedArgs } from './args';
import { chooseModel } from './train-torch';

export async function importWeightsCommand(args: ParsedArgs, readSource: (file: string) => string): Promise<number> {
  if (args.positionals.length !== 2) throw new UsageError('import-weights takes a model file and a .safetensors file');
  const [file, weights] = args.positionals;
  const chosen = chooseModel(args, readSource, file);
  const out = stringOption(args.options, 'out');
  let target: string;
  if (out === undefined) {
    const run = runDir(file, chosen.training.name);
    prepareRunFolder(run);
    target = path.join(run, 'weights');
  } else target = path.resolve(out);
  const mod = require('../train/node/torch-weights') as typeof import('../train/node/torch-weights');
  try {
    const { classes } = await mod.importTorchWeights({ model: chosen.model, training: chosen.training, file: weights, outDir: target });
    process.stdout.write(`Weights: ${target} (${classes.length} classes: ${classes.join(', ')})\n`);
  } catch (e) {
    throw e instanceof Error && !(e instanceof TypeError) ? new InputError(e.message) : e;
  }
  return 0;
}

/** `--size 32,32,1` → [32, 32, 1]. */
function sizeOption(args: ParsedArgs): [number, number, number] {
  const v = stringOption(args.options, 'size') ?? '32,32,1';
  const dims = v.split(',').map(Number);
  if (dims.length !== 3 || !dims.every((d) => Number.isInteger(d) && d > 0)) throw new UsageError(`--size must be HEIGHT,WIDTH,CHANNELS, got '${v}'`);
  return dims as [number, number, number];
}

function numberOption(args: ParsedArgs, name: string): number | undefined {
  const v = stringOption(args.options, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${v}'`);
  return n;
}

/**
 * The shapes set as an image folder: DIR/train/CLASS/NNNNN.png and DIR/test/CLASS/NNNNN.png, numbered in the order
 * Stride draws them, so a folder reader that sorts file names reads them back in that order.
 */
export function dataCommand(args: ParsedArgs): number {
  const [verb, set, dir] = args.positionals;
  if (verb !== 'export' || set === undefined || dir === undefined) throw new UsageError('usage: stride data export shapes DIR');
  if (set !== 'shapes') throw new UsageError(`only the built-in 'shapes' set is exported; got '${set}'`);
  const [height, width, channels] = sizeOption(args);
  if (channels !== 1 && channels !== 3) throw new UsageError(`the shapes set has 1 or 3 channels, got ${channels}`);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new InputError(`'${dir}' is not empty; give a new or empty folder`);
  let data;
  try {
    data = makeShapes({
      height,
      width,
      channels,
      count: intOption(args.options, 'count'),
      seed: numberOption(args, 'seed'),
      noise: numberOption(args, 'noise'),
    });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const sample = height * width * channels;
  for (const [part, set] of [
    ['train', data.train],
    ['test', data.test!],
  ] as const) {
    const digits = String(set.count).length;
    for (let i = 0; i < set.count; i++) {
      const folder = path.join(dir, part, data.classes[set.labels[i]]);
      fs.mkdirSync(folder, { recursive: true });
      const pixels = (set.images as Uint8Array).subarray(i * sample, (i + 1) * sample);
      fs.writeFileSync(path.join(folder, `${String(i).padStart(digits, '0')}.png`), encodePng(pixels, height, width, channels));
    }
  }
  process.stdout.write(`wrote ${data.train.count} training and ${data.test!.count} test images of ${height}×${width}×${channels} to ${dir}\n`);
  return 0;
}
