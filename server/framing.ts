// A JSON-RPC stream reader that never goes deaf: bad headers are skipped, bad bodies answered with -32700, and it resyncs.

import { AbstractMessageReader, type DataCallback, type Disposable, type Message } from 'vscode-languageserver/node';

/** Bodies above this are refused (and skipped) rather than buffered: no client sends a 64 MB message. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** A body that stops arriving for this long is taken as complete: a too-large Content-Length must not stall the reader. */
export const STALLED_BODY_MS = 1000;

/** What the reader reports back to the peer: a JSON-RPC error object for a frame it could not use (id is always null). */
export type FrameError = { readonly code: -32700 | -32600; readonly message: string };

const HEADER_END = Buffer.from('\r\n\r\n');
const LENGTH_HEADER = /content-length:[ \t]*(\S*)/i;
const NEXT_FRAME = Buffer.from('Content-Length:');

/**
 * Reads `Content-Length` frames from a byte stream and recovers from every framing error the way a lenient peer
 * should: a header block without a usable length is skipped; a body that is not JSON, or not a JSON-RPC message,
 * gets an error reply with id null (-32700 Parse error, -32600 Invalid Request); a declared length that runs past
 * the start of the next frame, or that the stream never fills, ends the body where the data ends so the next frame
 * is read normally.
 */
export class RecoveringMessageReader extends AbstractMessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private bodyLength = -1;
  private callback: DataCallback | undefined;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly onFrameError: (error: FrameError) => void,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer | string) => this.receive(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const onClose = () => this.fireClose();
    const onError = (error: unknown) => this.fireError(error);
    this.input.on('data', onData);
    this.input.on('close', onClose);
    this.input.on('end', onClose);
    this.input.on('error', onError);
    return {
      dispose: () => {
        clearTimeout(this.stallTimer);
        this.input.off('data', onData);
        this.input.off('close', onClose);
        this.input.off('end', onClose);
        this.input.off('error', onError);
      },
    };
  }

  private receive(chunk: Buffer): void {
    clearTimeout(this.stallTimer);
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.step());
    if (this.bodyLength >= 0 && this.buffer.length > 0) this.stallTimer = setTimeout(() => this.flushStalled(), STALLED_BODY_MS);
  }

  /** Consumes one header block or one body; false when more data is needed. */
  private step(): boolean {
    if (this.bodyLength < 0) return this.readHeaders();
    const next = this.buffer.indexOf(NEXT_FRAME, 0);
    // A declared length running into a next frame's header after a complete JSON value was wrong: the body ends
    // there. (A header-like string inside a JSON string leaves the prefix unparsable, so real bodies are kept whole.)
    const end = next > 0 && next < this.bodyLength && parses(this.buffer.subarray(0, next)) ? next : this.bodyLength;
    if (this.buffer.length < end) return false;
    this.deliver(this.buffer.subarray(0, end));
    this.buffer = this.buffer.subarray(end);
    this.bodyLength = -1;
    return true;
  }

  private readHeaders(): boolean {
    const end = this.buffer.indexOf(HEADER_END);
    if (end < 0) {
      // Keep only what could still become a header: garbage without a frame start is dropped as it arrives.
      if (this.buffer.length > 8192) this.buffer = this.buffer.subarray(this.buffer.length - NEXT_FRAME.length);
      return false;
    }
    const block = this.buffer.subarray(0, end).toString('ascii');
    this.buffer = this.buffer.subarray(end + HEADER_END.length);
    const length = Number(LENGTH_HEADER.exec(block)?.[1]);
    if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) {
      this.fireError(new Error(`skipped a message header without a usable Content-Length: ${JSON.stringify(block.slice(0, 200))}`));
      return true;
    }
    this.bodyLength = length;
    return true;
  }

  private flushStalled(): void {
    if (this.bodyLength < 0) return;
    const next = this.buffer.indexOf(NEXT_FRAME, 1);
    const end = next > 0 ? next : this.buffer.length;
    this.deliver(this.buffer.subarray(0, end));
    this.buffer = this.buffer.subarray(end);
    this.bodyLength = -1;
    while (this.step());
    if (this.bodyLength >= 0 && this.buffer.length > 0) this.stallTimer = setTimeout(() => this.flushStalled(), STALLED_BODY_MS);
  }

  private deliver(body: Buffer): void {
    let message: unknown;
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch {
      return this.onFrameError({ code: -32700, message: 'Parse error' });
    }
    if (!isMessage(message)) return this.onFrameError({ code: -32600, message: 'Invalid Request' });
    this.callback?.(message);
  }
}

function parses(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

function isMessage(value: unknown): value is Message {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const m = value as { method?: unknown; id?: unknown };
  return typeof m.method === 'string' || 'id' in m;
}
