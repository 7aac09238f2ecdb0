// Seeded hostile inputs for the data fuzz tier: mutated images, hostile download bodies, damaged weights folders.

import * as zlib from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { jpegBomb, pngBomb } from '../train/image-fixtures';

export type Random = () => number;

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (random: Random, below: number) => Math.floor(random() * below);

function randomBytes(random: Random, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = int(random, 256);
  return out;
}

function validPng(random: Random): Buffer {
  const img = new PNG({ width: 1 + int(random, 12), height: 1 + int(random, 12) });
  img.data.set(randomBytes(random, img.data.length));
  return PNG.sync.write(img);
}

function validJpeg(random: Random): Buffer {
  const width = 1 + int(random, 12);
  const height = 1 + int(random, 12);
  return Buffer.from(jpeg.encode({ data: randomBytes(random, width * height * 4), width, height }, 50).data);
}

/** Flips, truncates, splices or rewrites the size fields of a file. */
function mutate(random: Random, bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  switch (int(random, 4)) {
    case 0:
      for (let k = 0; k < 1 + int(random, 8); k++) out[int(random, out.length)] ^= 1 << int(random, 8);
      return out;
    case 1:
      return out.subarray(0, int(random, out.length));
    case 2:
      return Buffer.concat([out.subarray(0, int(random, out.length)), randomBytes(random, int(random, 64))]);
    default:
      // PNG IHDR width/height live at 16..24; flipping bits there declares other sizes.
      if (out.length > 24) out.writeUInt32BE(int(random, 2 ** 32), 16 + 4 * int(random, 2));
      return out;
  }
}

/** One hostile image file (PNG or JPEG by its extension). */
export function hostileImage(random: Random): { ext: 'png' | 'jpg'; bytes: Buffer } {
  const kind = int(random, 6);
  if (kind === 0) return { ext: 'png', bytes: pngBomb(1 + int(random, 60000), 1 + int(random, 60000)) };
  if (kind === 1) return { ext: 'jpg', bytes: jpegBomb(1 + int(random, 65535), 1 + int(random, 65535)) };
  if (kind === 2) return { ext: 'png', bytes: mutate(random, validPng(random)) };
  if (kind === 3) return { ext: 'jpg', bytes: mutate(random, validJpeg(random)) };
  if (kind === 4) return { ext: pick(random, ['png', 'jpg'] as const), bytes: randomBytes(random, int(random, 200)) };
  return { ext: 'png', bytes: validPng(random) };
}

/** One hostile download body: random bytes, a truncated or bombed gzip, or a valid gzip of random content. */
export function hostileBody(random: Random): Buffer {
  switch (int(random, 5)) {
    case 0:
      return randomBytes(random, int(random, 4096));
    case 1:
      return zlib.gzipSync(Buffer.alloc(1 + int(random, 8 * 1024 * 1024)));
    case 2: {
      const z = zlib.gzipSync(randomBytes(random, int(random, 2048)));
      return z.subarray(0, int(random, z.length));
    }
    case 3:
      return mutate(random, zlib.gzipSync(randomBytes(random, 1 + int(random, 2048))));
    default:
      return zlib.gzipSync(randomBytes(random, int(random, 4096)));
  }
}

const JSON_VALUES: readonly unknown[] = [null, 0, -1, 1.5, 1e300, '', 'x', [], {}, [{}], true, { length: 1e12 }, ['a', { b: 1 }], [2 ** 40]];

/** A model.json that is a valid manifest with one field replaced by a hostile value, or not a manifest at all. */
export function hostileManifest(random: Random, valid: Record<string, unknown>): string {
  if (random() < 0.15) return pick(random, ['', '{', 'null', '"x"', '[{}]', '{"weightsManifest":{}}', '\u0000']);
  const json = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
  const paths = [
    ['weightsManifest'],
    ['weightsManifest', 0, 'weights'],
    ['weightsManifest', 0, 'weights', 0, 'shape'],
    ['weightsManifest', 0, 'weights', 0, 'dtype'],
    ['weightsManifest', 0, 'weights', 0, 'quantization'],
    ['weightsManifest', 0, 'weights', 0, 'name'],
    ['userDefinedMetadata', 'stride', 'classes'],
    ['userDefinedMetadata', 'stride', 'inputShape'],
    ['userDefinedMetadata', 'stride'],
  ];
  const at = pick(random, paths);
  let node = json as Record<string | number, unknown>;
  for (const key of at.slice(0, -1)) node = (node[key] ?? {}) as Record<string | number, unknown>;
  node[at[at.length - 1]] = pick(random, JSON_VALUES);
  return JSON.stringify(json);
}
