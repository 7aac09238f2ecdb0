// Parsers for the CIFAR-10 binary distribution: the tar archive and its fixed-size records.

import type { ImageSet } from './dataset';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;
const PIXELS = 32 * 32;
const RECORD = 1 + 3 * PIXELS;

/**
 * Each record is a label byte then 3072 bytes: the red plane, the green plane, the blue plane (row-major).
 * Images are returned channels-last, as the models expect.
 */
export function parseCifarBatch(bytes: Uint8Array, what: string): ImageSet {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new Error(`${what} is not a CIFAR-10 binary batch: ${bytes.length} bytes is not a multiple of the ${RECORD}-byte record.`);
  }
  const count = bytes.length / RECORD;
  const images = new Uint8Array(count * 3 * PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const r = i * RECORD;
    const label = bytes[r];
    if (label > 9) throw new Error(`${what}: record ${i} has label ${label}; CIFAR-10 labels are 0–9.`);
    labels[i] = label;
    const base = i * 3 * PIXELS;
    for (let p = 0; p < PIXELS; p++) {
      for (let c = 0; c < 3; c++) images[base + p * 3 + c] = bytes[r + 1 + c * PIXELS + p];
    }
  }
  return { images, labels, count };
}

/** Joins several batches (data_batch_1 … 5) into one set. */
export function concatSets(sets: readonly ImageSet[]): ImageSet {
  const count = sets.reduce((n, s) => n + s.count, 0);
  const images = new Uint8Array(sets.reduce((n, s) => n + s.images.length, 0));
  const labels = new Uint8Array(count);
  let at = 0;
  let n = 0;
  for (const s of sets) {
    images.set(s.images as Uint8Array, at);
    labels.set(s.labels as Uint8Array, n);
    at += s.images.length;
    n += s.count;
  }
  return { images, labels, count };
}

/** The regular files of a (ustar or GNU) tar archive, by path. */
export function untar(bytes: Uint8Array, what: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let at = 0;
  while (at + 512 <= bytes.length) {
    const header = bytes.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = cString(header.subarray(0, 100));
    const prefix = cString(header.subarray(345, 500));
    const size = parseInt(cString(header.subarray(124, 136)).trim() || '0', 8);
    const type = header[156];
    if (Number.isNaN(size)) throw new Error(`${what}: corrupt tar header at byte ${at}.`);
    const start = at + 512;
    if (start + size > bytes.length) throw new Error(`${what}: truncated tar archive (entry '${name}').`);
    // '0' or NUL: a regular file. Directories, links and GNU long-name records are skipped.
    if (type === 0x30 || type === 0) files.set(prefix ? `${prefix}/${name}` : name, bytes.subarray(start, start + size));
    at = start + Math.ceil(size / 512) * 512;
  }
  return files;
}

function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return new TextDecoder().decode(end < 0 ? b : b.subarray(0, end));
}
