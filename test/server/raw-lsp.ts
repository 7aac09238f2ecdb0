// A byte-level LSP peer over a real `stride lsp --stdio` process, for sending frames no well-behaved client would.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const STDIO_MODULE = join(__dirname, '..', '..', 'server', 'stdio.js');

export interface RawMessage {
  readonly id?: number | string | null;
  readonly method?: string;
  readonly params?: unknown;
  readonly result?: unknown;
  readonly error?: { code: number; message: string };
}

export class RawLsp {
  readonly received: RawMessage[] = [];
  private pending = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  readonly child: ChildProcess;

  /** `args`: Node's arguments for the server (default: the stdio server module, loaded directly). */
  constructor(args: readonly string[] = ['-e', `require(${JSON.stringify(STDIO_MODULE)}).runStdioServer()`]) {
    this.child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.parse(chunk));
  }

  /** Writes bytes as they are: the caller frames them (or deliberately does not). */
  raw(text: string): void {
    this.child.stdin!.write(text);
  }

  send(message: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
    this.raw(`Content-Length: ${body.length}\r\n\r\n${body.toString()}`);
  }

  /** Resolves with the first received message passing `test`, or rejects after `ms`. */
  async waitFor(test: (m: RawMessage) => boolean, ms = 5000): Promise<RawMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.received.find(test);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message; received ${JSON.stringify(this.received).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** Sends a request and waits for its answer. */
  request(id: number, method: string, params: unknown, ms?: number): Promise<RawMessage> {
    this.send({ id, method, params });
    return this.waitFor((m) => m.id === id && m.method === undefined, ms);
  }

  get alive(): boolean {
    return this.child.exitCode === null;
  }

  kill(): void {
    this.child.kill();
  }

  private parse(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) break;
      const length = Number(/Content-Length: (\d+)/i.exec(this.pending.subarray(0, end).toString())?.[1]);
      if (this.pending.length < end + 4 + length) break;
      this.received.push(JSON.parse(this.pending.subarray(end + 4, end + 4 + length).toString()) as RawMessage);
      this.pending = this.pending.subarray(end + 4 + length);
    }
    for (const w of this.waiters.splice(0)) w();
  }
}
