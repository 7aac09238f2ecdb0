// In-process LSP test client: the real server on one end of two streams, a JSON-RPC client on the other.

import { PassThrough } from 'node:stream';
import {
  createConnection,
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { startServer, type ServerHandle } from '../../server/server';

export interface StartOptions {
  /** Raw `stride` settings sent as initialization options and answered to workspace/configuration. */
  readonly settings?: Record<string, unknown>;
  /** Announce support for workspace/configuration (pull settings). */
  readonly pullSettings?: boolean;
}

export class TestClient {
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: { uri: string; test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  readonly logs: string[] = [];
  settings: Record<string, unknown>;

  private constructor(
    readonly rpc: ProtocolConnection,
    readonly server: ServerHandle,
    private readonly streams: PassThrough[],
    settings: Record<string, unknown>,
  ) {
    this.settings = settings;
  }

  static async start(options: StartOptions = {}): Promise<TestClient> {
    const up = new PassThrough();
    const down = new PassThrough();
    // Readers and writers (not raw streams) so the server never ties its life to the streams (it would exit the process).
    const serverConnection = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
    const server = startServer(serverConnection);
    const rpc = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
    const settings = { diagnostics: { delayMs: 5 }, ...(options.settings ?? {}) };
    const client = new TestClient(rpc, server, [up, down], settings);
    rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => client.received(p));
    rpc.onNotification('window/logMessage', (p: { message: string }) => client.logs.push(p.message));
    rpc.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map(() => client.settings));
    rpc.onRequest('workspace/inlayHint/refresh', () => null);
    rpc.onRequest('workspace/codeLens/refresh', () => null);
    rpc.listen();
    await rpc.sendRequest('initialize', {
      processId: null,
      rootUri: null,
      capabilities: { workspace: { configuration: options.pullSettings === true } },
      initializationOptions: { settings },
    });
    rpc.sendNotification('initialized', {});
    return client;
  }

  private received(p: PublishDiagnosticsParams): void {
    const list = this.diagnostics.get(p.uri) ?? [];
    list.push(p);
    this.diagnostics.set(p.uri, list);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (w.uri === p.uri && w.test(p)) {
        this.waiters.splice(i, 1);
        w.resolve(p);
      }
    }
  }

  /** Every diagnostics notification received for `uri`, oldest first. */
  published(uri: string): readonly PublishDiagnosticsParams[] {
    return this.diagnostics.get(uri) ?? [];
  }

  /** Resolves with the first (past or future) publication for `uri` that passes `test`. */
  waitForDiagnostics(uri: string, test: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    const past = this.published(uri).find(test);
    if (past) return Promise.resolve(past);
    return new Promise((resolve) => this.waiters.push({ uri, test, resolve }));
  }

  open(uri: string, text: string, version = 1): void {
    this.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'stride', version, text } });
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void {
    this.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  closeDoc(uri: string): void {
    this.rpc.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Opens a document and waits for its first diagnostics. */
  async openAndWait(uri: string, text: string, version = 1): Promise<PublishDiagnosticsParams> {
    this.open(uri, text, version);
    return this.waitForDiagnostics(uri, (p) => p.version === version);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.rpc.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    await this.rpc.sendRequest('shutdown').catch(() => undefined);
    this.server.dispose();
    this.rpc.dispose();
    for (const s of this.streams) s.destroy();
  }
}

/** LSP position of the `n`-th (0-based) occurrence of `needle` in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, n = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (#${n}) not in text`);
  }
  const offset = at + delta;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** Applies LSP text edits (non-overlapping, against the original text) to `text`. */
export function applyEdits(
  text: string,
  edits: readonly { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[],
): string {
  const offset = (p: { line: number; character: number }) => {
    const lines = text.split('\n');
    let o = 0;
    for (let i = 0; i < p.line; i++) o += lines[i].length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
