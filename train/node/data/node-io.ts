// Node-only data I/O: the dataset cache folder, downloads with progress into it, and gunzip. Never bundled for the browser.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export interface DownloadProgress {
  readonly file: string;
  readonly received: number;
  /** Null when the server does not say how big the file is. */
  readonly total: number | null;
}

export interface FetchOptions {
  /** Where downloads are kept; default `$STRIDE_CACHE_DIR`, else `$XDG_CACHE_HOME/stride/datasets`, else `~/.cache/stride/datasets`. */
  readonly cacheDir?: string;
  /** Replaces the data set's usual download location (a mirror, or a local test server). */
  readonly baseUrl?: string;
  readonly onProgress?: (p: DownloadProgress) => void;
  readonly signal?: AbortSignal;
}

/** A download that failed: the message says why and what to do. */
export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

export function defaultCacheDir(): string {
  if (process.env.STRIDE_CACHE_DIR) return process.env.STRIDE_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'stride', 'datasets');
}

const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Returns the cached file `dest`, downloading `url` first when it is missing. The body goes to a
 * temporary file that `check` must accept before it is renamed into place, so an interrupted or
 * corrupt download never poisons the cache.
 */
export async function cachedDownload(url: string, dest: string, options: FetchOptions, check: (bytes: Uint8Array) => void): Promise<Uint8Array> {
  if (fs.existsSync(dest)) return new Uint8Array(fs.readFileSync(dest));
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const bytes = await download(url, path.basename(dest), options);
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

async function download(url: string, file: string, options: FetchOptions): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: options.signal, redirect: 'follow' });
  } catch (e) {
    throw networkError(url, e, options);
  }
  if (!response.ok || !response.body) {
    throw new DownloadError(`Could not download ${url}: the server answered ${response.status} ${response.statusText}.`);
  }
  const total = Number(response.headers.get('content-length')) || null;
  const chunks: Uint8Array[] = [];
  let received = 0;
  options.onProgress?.({ file, received, total });
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      received += chunk.length;
      options.onProgress?.({ file, received, total });
    }
  } catch (e) {
    throw networkError(url, e, options);
  }
  if (total !== null && received !== total) throw new DownloadError(`Download of ${url} stopped after ${received} of ${total} bytes; try again.`);
  return concat(chunks, received);
}

function networkError(url: string, e: unknown, options: FetchOptions): Error {
  if (options.signal?.aborted) return new DownloadError(`Download of ${url} was cancelled.`);
  const cause = (e as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (e as { code?: string }).code;
  const where = options.cacheDir ?? defaultCacheDir();
  if (code && OFFLINE_CODES.has(code)) {
    return new DownloadError(
      `Could not download ${url} (${code}): this machine seems to be offline or the server is unreachable. ` +
        `Connect to the internet and try again, or place the files in ${where} yourself.`,
    );
  }
  return new DownloadError(`Could not download ${url}: ${e instanceof Error ? e.message : String(e)}${code ? ` (${code})` : ''}.`);
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function gunzip(bytes: Uint8Array, what: string): Uint8Array {
  try {
    return new Uint8Array(zlib.gunzipSync(bytes));
  } catch (e) {
    throw new Error(`${what} is not a valid gzip file (${e instanceof Error ? e.message : String(e)}).`);
  }
}
