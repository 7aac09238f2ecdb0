// Node-only data I/O: the dataset cache folder, checked downloads into it, and gunzip with a size limit.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { download } from './download';
import { cacheHint, defaultCacheDir, DownloadError, type FetchOptions, type PinnedFile } from './fetch-options';

export { cacheHint, defaultCacheDir, DownloadError, type DownloadProgress, type FetchOptions, type PinnedFile } from './fetch-options';

const sha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex');

/**
 * Returns the cached file `dest`, downloading `url` first when it is missing. Every copy is checked against its pinned
 * SHA-256; a fresh body goes to a temporary file that `check` must accept before it is renamed into place, so an
 * interrupted, wrong or corrupt download never poisons the cache.
 */
export async function cachedDownload(
  url: string,
  dest: string,
  pin: PinnedFile,
  options: FetchOptions,
  check: (bytes: Uint8Array) => void,
): Promise<Uint8Array> {
  if (fs.existsSync(dest)) return readCached(dest, pin, options);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const bytes = await download(url, path.basename(dest), pin.maxBytes, options);
  const got = sha256(bytes);
  if (got !== pin.sha256) {
    throw new DownloadError(
      `The download of ${url} is not the expected file (SHA-256 ${got}, expected ${pin.sha256}); it was not kept. Try again later or use another mirror.`,
    );
  }
  check(bytes);
  const tmp = `${dest}.partial-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, dest);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return bytes;
}

function readCached(dest: string, pin: PinnedFile, options: FetchOptions): Uint8Array {
  const hint = cacheHint(options.cacheDir ?? defaultCacheDir());
  const size = fs.statSync(dest).size;
  if (size > pin.maxBytes) throw new DownloadError(`The cached file ${dest} is ${size} bytes, more than the ${pin.maxBytes} it can be. ${hint}`);
  const bytes = new Uint8Array(fs.readFileSync(dest));
  if (sha256(bytes) !== pin.sha256)
    throw new DownloadError(`The cached file ${dest} is damaged or not the expected file (its SHA-256 does not match). ${hint}`);
  return bytes;
}

/** Inflates at most `maxOutput` bytes: a gzip bomb stops while inflating, before its output is allocated. */
export function gunzip(bytes: Uint8Array, what: string, maxOutput: number): Uint8Array {
  try {
    return new Uint8Array(zlib.gunzipSync(bytes, { maxOutputLength: maxOutput }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`${what} unpacks to more than ${maxOutput} bytes; refused.`);
    throw new Error(`${what} is not a valid gzip file (${e instanceof Error ? e.message : String(e)}).`);
  }
}
