// Node-only HTTP download with a size limit and a timeout while waiting for headers and between chunks.

import { DownloadError, defaultCacheDir, type DownloadProgress, type FetchOptions } from './fetch-options';

/** Seconds to wait for the server's headers, and then for each next chunk; `STRIDE_DOWNLOAD_TIMEOUT` changes it. */
export const DEFAULT_TIMEOUT_SECONDS = 30;

export function downloadTimeoutMs(option?: number): number {
  if (option !== undefined) return option;
  const env = Number(process.env.STRIDE_DOWNLOAD_TIMEOUT);
  return (Number.isFinite(env) && env > 0 ? env : DEFAULT_TIMEOUT_SECONDS) * 1000;
}

const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** A timer that aborts the request when the server stays silent for `ms`; `touch` restarts it on every sign of life. */
class Silence {
  readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  timedOut = false;

  constructor(
    private readonly ms: number,
    outer: AbortSignal | undefined,
  ) {
    outer?.addEventListener('abort', () => this.controller.abort(), { once: true });
    this.touch();
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** Downloads `url` into memory; refuses bodies over `maxBytes` (by content-length, else while streaming). */
export async function download(url: string, file: string, maxBytes: number, options: FetchOptions): Promise<Uint8Array> {
  const silence = new Silence(downloadTimeoutMs(options.timeoutMs), options.signal);
  try {
    return await receive(url, file, maxBytes, options, silence);
  } catch (e) {
    if (e instanceof DownloadError) throw e;
    throw networkError(url, e, options, silence);
  } finally {
    silence.stop();
  }
}

async function receive(url: string, file: string, maxBytes: number, options: FetchOptions, silence: Silence): Promise<Uint8Array> {
  const response = await fetch(url, { signal: silence.controller.signal, redirect: 'follow' });
  silence.touch();
  if (!response.ok || !response.body) {
    throw new DownloadError(`Could not download ${url}: the server answered ${response.status} ${response.statusText}.`);
  }
  const total = Number(response.headers.get('content-length')) || null;
  const tooBig = (n: number) => new DownloadError(`Download of ${url} is ${n} bytes or more, larger than the ${maxBytes} bytes ${file} can be; refused.`);
  if (total !== null && total > maxBytes) {
    void response.body.cancel().catch(() => undefined);
    throw tooBig(total);
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  options.onProgress?.({ file, received, total } satisfies DownloadProgress);
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    silence.touch();
    received += chunk.length;
    if (received > maxBytes) throw tooBig(received);
    chunks.push(chunk);
    options.onProgress?.({ file, received, total });
  }
  if (total !== null && received !== total) throw new DownloadError(`Download of ${url} stopped after ${received} of ${total} bytes; try again.`);
  return Buffer.concat(chunks, received);
}

function networkError(url: string, e: unknown, options: FetchOptions, silence: Silence): Error {
  if (silence.timedOut) {
    const s = downloadTimeoutMs(options.timeoutMs) / 1000;
    return new DownloadError(
      `Could not download ${url}: the server did not answer for ${s} s. Check the connection and try again later ` +
        `(STRIDE_DOWNLOAD_TIMEOUT sets the wait in seconds).`,
    );
  }
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
