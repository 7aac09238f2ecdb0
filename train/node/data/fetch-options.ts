// Node-only: the options, pinned-file record and error every dataset download shares, and where the cache lives.

import * as os from 'node:os';
import * as path from 'node:path';

export interface DownloadProgress {
  readonly file: string;
  readonly received: number;
  /** Null when the server does not say how big the file is. */
  readonly total: number | null;
}

/** What a known file must be: its SHA-256, and the most bytes it may have packed and unpacked. */
export interface PinnedFile {
  readonly sha256: string;
  readonly maxBytes: number;
  readonly maxUnpackedBytes: number;
}

export interface FetchOptions {
  /** Where downloads are kept; default `$STRIDE_CACHE_DIR`, else `$XDG_CACHE_HOME/stride/datasets`, else `~/.cache/stride/datasets`. */
  readonly cacheDir?: string;
  /** Replaces the data set's usual download location (a mirror, or a local test server). */
  readonly baseUrl?: string;
  /** Replaces the pinned checksums, keyed `set/file` (a test server's fixtures). */
  readonly checksums?: Readonly<Record<string, PinnedFile>>;
  /** Milliseconds to wait for headers and between chunks; default `downloadTimeoutMs()`. */
  readonly timeoutMs?: number;
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

/** The advice every cache-related error ends with. */
export function cacheHint(cacheDir: string): string {
  return `Run 'stride cache clear' to delete the cached downloads in ${cacheDir}, then try again.`;
}
