// Node-only image decoding (PNG via pngjs, JPEG via jpeg-js) with the declared size checked before any pixel is allocated.

import * as fs from 'node:fs';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Default pixel budget per image: 8192 × 8192. `STRIDE_MAX_IMAGE_PIXELS` or the `maxPixels` option changes it. */
export const DEFAULT_MAX_IMAGE_PIXELS = 8192 * 8192;
/** No image file Stride decodes may be larger than this on disk. */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel. */
  readonly rgba: Uint8Array;
}

/** The pixel budget: the option when given, else the environment variable, else the default. */
export function maxImagePixels(option?: number): number {
  if (option !== undefined) return option;
  const env = Number(process.env.STRIDE_MAX_IMAGE_PIXELS);
  return Number.isSafeInteger(env) && env > 0 ? env : DEFAULT_MAX_IMAGE_PIXELS;
}

/** Decodes a PNG or JPEG file; throws a plain Error (message without the file name) when it cannot or must not. */
export function decodeImageFile(file: string, maxPixels: number): DecodedImage {
  const bytes = readImageBytes(file);
  const png = isPng(bytes);
  if (!png && !isJpeg(bytes)) throw new Error(`it is not a PNG or JPEG file (${bytes.length === 0 ? 'the file is empty' : 'neither signature at its start'})`);
  const dims = png ? pngSize(bytes) : jpegSize(bytes);
  if (dims) checkPixels(dims.width, dims.height, maxPixels);
  if (png) {
    checkPngData(bytes);
    const img = decodedBy('PNG', () => PNG.sync.read(bytes));
    return { width: img.width, height: img.height, rgba: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.length) };
  }
  const options = { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512, maxResolutionInMP: Math.max(1, Math.ceil(maxPixels / 1e6)) } as const;
  const img = decodedBy('JPEG', () => jpeg.decode(bytes, options));
  return { width: img.width, height: img.height, rgba: img.data };
}

/** A file that cannot be read at all (missing, a folder, no permission), as opposed to one that cannot be decoded. */
export class ImageReadError extends Error {}

function readImageBytes(file: string): Buffer {
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new ImageReadError('it is a folder, not an image file');
    if (stat.size > MAX_IMAGE_FILE_BYTES) throw new Error(`the file is ${stat.size} bytes, more than the ${MAX_IMAGE_FILE_BYTES} bytes allowed for one image`);
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ImageReadError('no such file');
    if (code === 'EACCES' || code === 'EPERM') throw new ImageReadError('permission denied');
    if (code !== undefined) throw new ImageReadError(`the system refused (${code})`);
    throw e;
  }
}

/** The decoders' own messages name their internals (`SOI not found`, `invalid filter`): said in words instead. */
function decodedBy<T>(format: 'PNG' | 'JPEG', decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    // Size limits are the decoder's only messages meant for a person.
    if (e instanceof Error && /maxResolutionInMP|maxMemoryUsageInMB/.test(e.message)) throw new Error(`it is too large to decode (${e.message})`);
    throw new Error(`its ${format} data is damaged or truncated`);
  }
}

const isJpeg = (b: Uint8Array) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

function checkPixels(width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw new Error(`it declares ${width}×${height} pixels, more than the limit of ${maxPixels} (set STRIDE_MAX_IMAGE_PIXELS to allow larger images)`);
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const isPng = (b: Uint8Array) => b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v);

/** The IHDR chunk follows the signature: length, "IHDR", then width and height as big-endian uint32. */
function pngSize(b: Buffer): { width: number; height: number } | null {
  if (b.length < 24 || b.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Deflate cannot shrink data more than about 1032:1; a bit of slack for filter bytes and interlacing. */
const MAX_DEFLATE_RATIO = 1100;
const PNG_CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Refuses a PNG whose image data is too short to hold the pixels it declares (a truncated file or a bomb that
 * pngjs would otherwise decode slowly into a zero-filled image), by summing the IDAT chunk lengths.
 */
function checkPngData(b: Buffer): void {
  if (b.length < 29) return;
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  const bits = b[24] * (PNG_CHANNELS[b[25]] ?? 4);
  const raw = height * (1 + Math.ceil((width * bits) / 8));
  let compressed = 0;
  for (let at = 8; at + 8 <= b.length; ) {
    const length = b.readUInt32BE(at);
    if (b.toString('latin1', at + 4, at + 8) === 'IDAT') compressed += Math.min(length, b.length - at - 8);
    at += 12 + length;
  }
  if (compressed * MAX_DEFLATE_RATIO < raw) {
    throw new Error(`it declares ${width}×${height} pixels but holds only ${compressed} bytes of image data; the file is truncated or damaged`);
  }
}

/** Walks the JPEG marker segments to the first start-of-frame (SOF0–SOF15 except DHT, JPG and DAC) and reads its size. */
export function jpegSize(b: Buffer): { width: number; height: number } | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let at = 2;
  while (at + 9 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    at += 2 + b.readUInt16BE(at + 2);
  }
  return null;
}
