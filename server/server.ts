// The language server: wires documents, settings and one handler per feature onto a connection given by the caller.

import {
  CodeActionKind,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { DEFAULT_SETTINGS, parseSettings, SETTINGS_SECTION, type StrideSettings } from '../protocol/settings';
import { heapFlagsOf } from '../protocol/server-heap';
import { CHECK_FILES_METHOD, MODEL_GRAPH_METHOD, SUMMARY_METHOD, TRAINING_MODEL_METHOD, type CheckFilesParams, type SummaryParams } from '../protocol/lsp-ext';
import { checkFiles } from './check-files';
import { codeActions } from './code-actions';
import { codeLenses } from './code-lens';
import { completion } from './completion';
import { DiagnosticsScheduler, type PublishTarget } from './diagnostics';
import { documentSymbols } from './document-symbols';
import { DocumentStore, type Snapshot } from './documents';
import { foldingRanges } from './folding';
import { formatDocument } from './formatting';
import { hover, hoverBeforeAnalysis } from './hover';
import { inlayHints } from './inlay-hints';
import { modelGraph } from './model-graph';
import { definition, documentHighlights, references } from './navigation';
import { prepareRename, rename } from './rename';
import { selectionRanges } from './selection-ranges';
import { LEGEND, semanticTokens } from './semantic-tokens';
import { signatureHelp } from './signature-help';
import { summary } from './summary';
import { trainingModelRequest } from './training-model';

export interface ServerHandle {
  readonly store: DocumentStore;
  settings(): StrideSettings;
  dispose(): void;
}

export const CAPABILITIES: ServerCapabilities = {
  textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
  hoverProvider: true,
  completionProvider: { triggerCharacters: ['(', ',', ':', '>', '['] },
  signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [':'] },
  definitionProvider: true,
  referencesProvider: true,
  documentHighlightProvider: true,
  renameProvider: { prepareProvider: true },
  documentSymbolProvider: true,
  foldingRangeProvider: true,
  selectionRangeProvider: true,
  semanticTokensProvider: { legend: LEGEND, full: true },
  documentFormattingProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  codeLensProvider: { resolveProvider: false },
  inlayHintProvider: true,
};

const IGNORED = { stale: 'not newer than the current version', unknown: 'document not open', malformed: 'malformed change' } as const;

/** Starts serving on `connection` (which the caller creates: stdio, IPC or in-memory streams in tests). */
export function startServer(connection: Connection): ServerHandle {
  const server = new StrideServer(connection);
  server.register();
  connection.listen();
  return { store: server.store, settings: () => server.settings, dispose: () => server.scheduler.dispose() };
}

/** Per-connection state; nothing lives in module globals, so several servers can share a process (tests do). */
class StrideServer {
  readonly store: DocumentStore;
  readonly scheduler: DiagnosticsScheduler;
  settings: StrideSettings = DEFAULT_SETTINGS;
  private client: ClientCapabilities = {};
  private readonly target: PublishTarget;

  constructor(private readonly connection: Connection) {
    this.store = new DocumentStore((uri, error) => this.log(`analysis failed for ${uri}: ${describeError(error)}`));
    this.target = {
      publish: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, version, diagnostics }).catch(() => undefined),
    };
    this.scheduler = new DiagnosticsScheduler(
      this.target,
      (uri) => this.store.snapshot(uri),
      () => this.settings.diagnosticsDelayMs,
    );
  }

  register(): void {
    this.registerLifecycle();
    this.registerDocumentSync();
    this.registerPositionFeatures();
    this.registerDocumentFeatures();
    this.registerCustomRequests();
  }

  private log(message: string): void {
    this.connection.console.error(message);
  }

  /**
   * Runs a feature on the current snapshot; unknown documents and internal errors give the empty answer. The work
   * starts only after the messages already received have been handled, so a `$/cancelRequest` answers the request
   * with RequestCancelled and a newer version's edits are applied first (the answer is then for the latest text,
   * never for an outdated one); cancellation is checked again after the analysis, the one costly step.
   */
  private onDoc<P extends { textDocument: { uri: string } }, R>(
    empty: R,
    feature: (snap: Snapshot, params: P) => R,
    beforeAnalysis?: (params: P) => R | undefined,
  ): (params: P, token?: CancellationToken) => Promise<R> {
    return async (params, token) => {
      // Two turns: the connection dispatches one queued message per turn, after this handler's own.
      for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
      throwIfCancelled(token);
      try {
        // A version not analysed yet may already have the answer, without analysing the whole file first.
        const early = beforeAnalysis && this.early(beforeAnalysis, params);
        if (early !== undefined) return early;
        const snap = this.store.snapshot(params?.textDocument?.uri);
        throwIfCancelled(token);
        return snap ? feature(snap, params) : empty;
      } catch (error) {
        if (error instanceof ResponseError) throw error;
        this.log(`request failed: ${describeError(error)}`);
        return empty;
      }
    };
  }

  /** The answer before analysis is an optimisation: if it fails, the full analysis answers (and the bug is logged). */
  private early<P, R>(beforeAnalysis: (params: P) => R | undefined, params: P): R | undefined {
    try {
      return beforeAnalysis(params);
    } catch (error) {
      this.log(`answer before analysis failed: ${describeError(error)}`);
      return undefined;
    }
  }

  private registerLifecycle(): void {
    const c = this.connection;
    c.onInitialize((params): InitializeResult => {
      this.client = params.capabilities ?? {};
      this.settings = parseSettings((params.initializationOptions as { settings?: unknown } | undefined)?.settings);
      return { capabilities: CAPABILITIES, serverInfo: { name: 'stride-language-server', version: '0.1.0' } };
    });
    c.onInitialized(() => {
      c.console.info(`Stride language server on Node ${process.version}; heap: ${heapFlagsOf(process.execArgv)}.`);
      void this.pullSettings();
    });
    c.onDidChangeConfiguration((p) => void this.pullSettings((p?.settings as Record<string, unknown> | undefined)?.[SETTINGS_SECTION]));
    c.onShutdown(() => this.scheduler.dispose());
  }

  /** Settings come from workspace/configuration where the client has it, else from what it pushes. */
  private async pullSettings(pushed?: unknown): Promise<void> {
    try {
      if (this.client.workspace?.configuration) this.settings = parseSettings(await this.connection.workspace.getConfiguration(SETTINGS_SECTION));
      else if (pushed !== undefined) this.settings = parseSettings(pushed);
    } catch (error) {
      this.log(`could not read settings: ${describeError(error)}`);
    }
    refreshViews(this.connection, this.client);
  }

  private registerDocumentSync(): void {
    const { connection: c, store, scheduler } = this;
    c.onDidOpenTextDocument(({ textDocument: d }) => {
      if (typeof d?.uri !== 'string' || typeof d.text !== 'string') return;
      store.open(d.uri, d.languageId, d.version, d.text);
      scheduler.publishNow(d.uri);
    });
    c.onDidChangeTextDocument(({ textDocument: d, contentChanges }) => {
      const outcome = store.change(d?.uri, d?.version, Array.isArray(contentChanges) ? contentChanges : []);
      if (outcome === 'applied') scheduler.schedule(d.uri);
      else this.log(`ignored change to ${d?.uri} version ${d?.version}: ${IGNORED[outcome]}`);
    });
    c.onDidCloseTextDocument(({ textDocument: d }) => {
      scheduler.cancel(d?.uri);
      if (!store.has(d?.uri)) return;
      store.close(d.uri);
      this.target.publish(d.uri, undefined, []);
    });
  }

  /** Features asked about one position. */
  private registerPositionFeatures(): void {
    const c = this.connection;
    c.onHover(
      this.onDoc(
        null,
        (s, p) => hover(s, s.lines.offsetAt(p.position), { memoryBatchSize: this.settings.memoryBatchSize }),
        (p) => hoverBeforeAnalysis(this.store, p?.textDocument?.uri, p?.position),
      ),
    );
    c.onCompletion(this.onDoc([], (s, p) => completion(s, s.lines.offsetAt(p.position))));
    c.onSignatureHelp(this.onDoc(null, (s, p) => signatureHelp(s, s.lines.offsetAt(p.position))));
    c.onDefinition(this.onDoc([], (s, p) => definition(s, s.lines.offsetAt(p.position))));
    c.onReferences(this.onDoc([], (s, p) => references(s, s.lines.offsetAt(p.position), p.context?.includeDeclaration !== false)));
    c.onDocumentHighlight(this.onDoc([], (s, p) => documentHighlights(s, s.lines.offsetAt(p.position))));
    c.onPrepareRename(this.onDoc(null, (s, p) => prepareRename(s, s.lines.offsetAt(p.position))));
    c.onRenameRequest(this.onDoc(null, (s, p) => rename(s, s.lines.offsetAt(p.position), p.newName)));
    c.onSelectionRanges(
      this.onDoc([], (s, p) =>
        selectionRanges(
          s,
          (Array.isArray(p.positions) ? p.positions : []).map((pos) => s.lines.offsetAt(pos)),
        ),
      ),
    );
  }

  /** Features about the whole document (or a range of it). */
  private registerDocumentFeatures(): void {
    const c = this.connection;
    c.onDocumentSymbol(this.onDoc([], (s) => documentSymbols(s)));
    c.onFoldingRanges(this.onDoc([], (s) => foldingRanges(s)));
    c.languages.semanticTokens.on(this.onDoc({ data: [] }, (s) => semanticTokens(s)));
    c.onDocumentFormatting(this.onDoc([], (s) => formatDocument(s)));
    c.onCodeAction(this.onDoc([], (s, p) => codeActions(s, p)));
    c.onCodeLens(this.onDoc([], (s) => (this.settings.codeLens ? codeLenses(s) : [])));
    c.languages.inlayHint.on(this.onDoc([], (s, p) => (this.settings.inlayHintsShapes ? inlayHints(s, s.lines.span(p.range)) : [])));
  }

  private registerCustomRequests(): void {
    const onUri =
      <P extends { uri: string }, R>(feature: (snap: Snapshot, params: P) => R) =>
      (params: P, token?: CancellationToken): Promise<R | null> =>
        this.onDoc<{ textDocument: { uri: string } }, R | null>(null, (s) => feature(s, params))({ textDocument: { uri: params?.uri } }, token);
    this.connection.onRequest(MODEL_GRAPH_METHOD, onUri(modelGraph));
    this.connection.onRequest(
      SUMMARY_METHOD,
      onUri((s, p: SummaryParams) => summary(s, p, this.settings.memoryBatchSize)),
    );
    this.connection.onRequest(TRAINING_MODEL_METHOD, onUri(trainingModelRequest));
    this.connection.onRequest(CHECK_FILES_METHOD, (p: CheckFilesParams) => checkFiles(p, this.store, this.target));
  }
}

/** Asks the client to re-query settings-dependent views, where it supports that. */
function refreshViews(connection: Connection, client: ClientCapabilities): void {
  if (client.workspace?.inlayHint?.refreshSupport) void connection.languages.inlayHint.refresh().catch(() => undefined);
  if (client.workspace?.codeLens?.refreshSupport) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
}

function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
