// Follows a growing metrics.jsonl (the log every `stride train` engine writes): whole lines become records, a partial line waits.

import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** A record is a few hundred characters; a longer line is not one of ours and is dropped without being kept in memory. */
export const MAX_LINE_CHARS = 1 << 20;

/** At most this much is read per poll, so a huge file is taken in bounded steps. */
const READ_CHUNK = 1 << 20;

/** What the panel and the notification need from a metrics log; unknown fields are ignored. */
export type MetricsRecord =
  | { readonly event: 'start'; readonly model: string | null; readonly backend: string | null; readonly samples: number | null }
  | {
      readonly event: 'epoch';
      readonly epoch: number;
      readonly epochs: number | null;
      /** Null when the loss was not finite (JSON writes NaN as null): the run diverged. */
      readonly loss: number | null;
      readonly accuracy: number | null;
      readonly valLoss: number | null;
      readonly valAccuracy: number | null;
      readonly seconds: number | null;
      readonly samplesPerSecond: number | null;
      /** The learning rate of the epoch's last update. */
      readonly lr: number | null;
    }
  | { readonly event: 'end'; readonly status: string; readonly reason: string | null; readonly weightsDir: string | null };

/** Splits a stream of text into lines; keeps an unfinished line for the next chunk, and skips lines over the bound. */
export class LineSplitter {
  private partial = '';
  /** Inside an oversized line: everything up to its newline is dropped. */
  private skipping = false;
  /** Oversized lines dropped so far. */
  dropped = 0;

  push(chunk: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, nl);
      start = nl + 1;
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      const line = this.partial + piece;
      this.partial = '';
      if (line.length > MAX_LINE_CHARS) this.dropped++;
      else lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    if (!this.skipping) this.partial += chunk.slice(start);
    if (this.partial.length > MAX_LINE_CHARS) {
      this.partial = '';
      this.skipping = true;
      this.dropped++;
    }
    return lines;
  }

  /** The unfinished line held for the next chunk (tests check it stays bounded). */
  get pending(): number {
    return this.partial.length;
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const field = (o: unknown, key: string): unknown => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined);

/** One line of the log as a record, or null for anything else (garbage, another program's output, an unknown event). */
export function parseMetricsLine(line: string): MetricsRecord | null {
  if (!line.trimStart().startsWith('{')) return null;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  switch (field(o, 'event')) {
    case 'start':
      return { event: 'start', model: text(field(o, 'model')), backend: text(field(o, 'backend')), samples: num(field(o, 'samples')) };
    case 'epoch':
      return epochRecord(o);
    case 'end': {
      const status = text(field(o, 'status'));
      return status === null ? null : { event: 'end', status, reason: text(field(o, 'reason')), weightsDir: text(field(o, 'weightsDir')) };
    }
    default:
      return null;
  }
}

/** The Node trainer writes accuracy under `metrics` and `valMetrics`; a flat `accuracy` field is read as well. */
function epochRecord(o: unknown): MetricsRecord | null {
  const epoch = num(field(o, 'epoch'));
  if (epoch === null || !Number.isInteger(epoch) || epoch < 1) return null;
  return {
    event: 'epoch',
    epoch,
    epochs: num(field(o, 'epochs')),
    loss: num(field(o, 'loss')),
    accuracy: num(field(field(o, 'metrics'), 'accuracy')) ?? num(field(o, 'accuracy')),
    valLoss: num(field(o, 'valLoss')),
    valAccuracy: num(field(field(o, 'valMetrics'), 'accuracy')) ?? num(field(o, 'valAccuracy')),
    seconds: num(field(o, 'seconds')),
    samplesPerSecond: num(field(o, 'samplesPerSecond')),
    lr: num(field(o, 'lr')),
  };
}

/** The size of a file now (0 when it does not exist yet): a run's records start after it, since logs are appended to. */
export function fileSize(file: string): number {
  return fileIdentity(file)?.size ?? 0;
}

function fileIdentity(file: string): { readonly size: number; readonly ino: number } | null {
  try {
    const s = fs.statSync(file);
    return { size: s.size, ino: s.ino };
  } catch {
    return null;
  }
}

/**
 * Polls a log file from an offset and hands each new record to `onRecord`. Polling, not fs.watch: the file may not exist
 * yet, and watchers miss appends on some file systems. A file that shrinks, or another file under the name, was replaced:
 * it is read again from its start.
 */
export class MetricsFollower {
  private offset: number;
  /** The inode read from (null until the file exists). */
  private ino: number | null;
  private splitter = new LineSplitter();
  private decoder = new StringDecoder('utf8');
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly onRecord: (r: MetricsRecord) => void,
    from: number,
  ) {
    this.offset = from;
    this.ino = fileIdentity(file)?.ino ?? null;
  }

  start(intervalMs = 250): void {
    this.timer ??= setInterval(() => void this.poll(), intervalMs);
  }

  /** Reads whatever was appended since the last read; calls never overlap. */
  poll(): Promise<void> {
    this.reading = this.reading.then(() => this.readNew()).catch(() => undefined);
    return this.reading;
  }

  /** Stops polling after reading the rest of the file (the writer has exited). */
  async finish(): Promise<void> {
    clearInterval(this.timer);
    await this.poll();
    for (const line of this.splitter.push(this.decoder.end() + '\n')) this.emit(line);
  }

  private async readNew(): Promise<void> {
    const now = fileIdentity(this.file);
    const size = now?.size ?? 0;
    const replaced = now !== null && this.ino !== null && now.ino !== this.ino;
    if (now) this.ino = now.ino;
    if (size < this.offset || replaced) {
      this.offset = 0;
      this.splitter = new LineSplitter();
      this.decoder = new StringDecoder('utf8');
    }
    if (size === this.offset) return;
    const handle = await fs.promises.open(this.file, 'r');
    try {
      while (this.offset < size) {
        const buffer = Buffer.alloc(Math.min(READ_CHUNK, size - this.offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        for (const line of this.splitter.push(this.decoder.write(buffer.subarray(0, bytesRead)))) this.emit(line);
      }
    } finally {
      await handle.close();
    }
  }

  private emit(line: string): void {
    const record = parseMetricsLine(line);
    if (record) this.onRecord(record);
  }
}
