// One architecture preview: a webview panel that draws one model of one document from the server's graph, live.

import * as vscode from 'vscode';
import { MODEL_GRAPH_METHOD, type ModelGraphParams, type ModelGraphResult } from '../protocol/lsp-ext';
import { previewHtml } from '../webview/html';
import { fromModelGraph } from '../webview/layout/from-model-graph';
import { nodeAtPosition } from '../webview/layout/locate';
import { checkFromPreview, type ExportMessage, type FromPreview, type PreviewGraph, type PreviewRange, type ToPreview } from '../protocol/preview';
import type { Ctx } from './ctx';
import { bundleFolder, pageOptions } from './webview-page';

export const PREVIEW_VIEW_TYPE = 'stride.preview';
/** Quiet time after the last keystroke before the graph is fetched again: typing stays smooth on large models. */
const UPDATE_DELAY_MS = 250;

/** The bundle folder is the only place the page may load files from. */
export function previewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    // Keeps the laid-out diagram while the tab is in the background: switching back needs no new layout.
    retainContextWhenHidden: true,
    localResourceRoots: [bundleFolder(extensionUri)],
  };
}

export class PreviewPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  /** The last graph sent, for cursor lookups. */
  private graph: PreviewGraph | undefined;
  private models: readonly string[] = [];
  private highlighted: string | null = null;
  /** The page has said it listens; messages before that could be lost. */
  private ready = false;
  /** Something changed while the page could not receive it (hidden, not ready): send on the next chance. */
  private stale = true;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(
    private readonly ctx: Ctx,
    readonly panel: vscode.WebviewPanel,
    readonly uri: string,
    /** The model shown; undefined until the first answer names it (then it stays, whatever the cursor does). */
    private model: string | undefined,
    /** Where the cursor was when the preview opened, to pick the model around it. */
    private position?: vscode.Position,
  ) {
    const extensionUri = ctx.extension.extensionUri;
    panel.webview.options = previewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'icons', 'stride-file.svg');
    panel.webview.html = previewHtml(pageOptions(panel.webview, extensionUri, 'preview'));
    this.listen();
  }

  get modelName(): string | undefined {
    return this.model;
  }

  get modelNames(): readonly string[] {
    return this.models;
  }

  /** Shows another model of the same document. */
  showModel(model: string | undefined): void {
    if (model !== undefined) this.model = model;
    this.stale = true;
    void this.refresh();
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    this.panel.dispose();
  }

  private listen(): void {
    const on = (d: vscode.Disposable) => this.disposables.push(d);
    on(this.panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
    on(this.panel.onDidChangeViewState(() => this.panel.visible && this.stale && void this.refresh()));
    on(this.panel.onDidDispose(() => this.cleanUp()));
    on(vscode.workspace.onDidChangeTextDocument((e) => e.document.uri.toString() === this.uri && this.schedule()));
    on(
      vscode.window.onDidChangeTextEditorSelection(
        (e) => e.textEditor.document.uri.toString() === this.uri && this.followCursor(e.textEditor.document, e.selections[0].active),
      ),
    );
    on(this.ctx.onDidStart(() => this.schedule()));
  }

  private cleanUp(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposed.fire();
    this.disposed.dispose();
  }

  private schedule(): void {
    this.stale = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), UPDATE_DELAY_MS);
  }

  /** Every message from the page is validated; anything unknown or malformed is ignored. */
  private receive(raw: unknown): void {
    const message = checkFromPreview(raw);
    if (message.ok) void this.handle(message.value).catch((e: unknown) => this.fail(e));
  }

  private async handle(m: FromPreview): Promise<void> {
    switch (m.type) {
      case 'ready':
        // A fresh page (first load, or reloaded): it has at most its saved state, so send everything again.
        this.ready = true;
        this.stale = true;
        this.highlighted = null;
        return this.refresh();
      case 'reveal':
        // A layer clicked in the diagram also shows its activations when a training panel for the model is open.
        if (!m.nodeId.startsWith('g:')) void vscode.commands.executeCommand('stride.showActivations', m.nodeId, this.uri, this.model);
        return this.revealRange(m.range);
      case 'export':
        return this.save(m);
    }
  }

  private post(message: ToPreview): void {
    void this.panel.webview.postMessage(message);
  }

  /** Fetches the graph and sends it; while the page is hidden or loading, only marks it stale. */
  async refresh(): Promise<void> {
    if (!this.ready || !this.panel.visible) return;
    // The server answers only for open documents; after a reload the document may not be open yet.
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(this.uri)).then(
      (d) => d,
      () => undefined,
    );
    if (!doc) return this.post({ type: 'empty', message: `The file ${this.uri} could not be opened.` });
    if (!this.ctx.running) return; // the saved drawing stays; onDidStart brings the update
    const mine = ++this.generation;
    this.stale = false;
    // A request that fails (the server stopping mid-way) keeps the drawing; onDidStart brings the update.
    const result = await this.fetch().catch(() => undefined);
    if (mine !== this.generation) return; // a newer refresh is on its way
    if (!this.panel.visible || result === undefined) {
      this.stale = true; // a hidden page drops messages
      return;
    }
    if (result === null) {
      this.graph = undefined;
      return this.post({ type: 'empty', message: 'This file has no model to draw yet.' });
    }
    this.model = result.model;
    this.models = result.models;
    this.panel.title = `Preview: ${result.model}`;
    this.graph = fromModelGraph(result);
    // The page keeps its highlight across graphs; only a different layer is sent (sending one scrolls the view to it).
    this.post({ type: 'graph', graph: this.graph, uri: this.uri });
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri);
    if (editor) this.followCursor(editor.document, editor.selection.active);
  }

  /** The chosen model; when it is gone (renamed, deleted), the first model of the file. */
  private async fetch(): Promise<ModelGraphResult | null | undefined> {
    const params: ModelGraphParams = { uri: this.uri, model: this.model, position: this.model ? undefined : this.position };
    const result = await this.ctx.request<ModelGraphResult | null>(MODEL_GRAPH_METHOD, params);
    if (result || this.model === undefined) return result;
    return this.ctx.request<ModelGraphResult | null>(MODEL_GRAPH_METHOD, { uri: this.uri });
  }

  /** Highlights the layer at the cursor; in a line's indentation or after its call, the layer that line starts with. */
  private followCursor(doc: vscode.TextDocument, position: vscode.Position): void {
    if (!this.graph || !this.ready) return;
    const lineStart = { line: position.line, character: doc.lineAt(position.line).firstNonWhitespaceCharacterIndex };
    const nodeId = nodeAtPosition(this.graph, position) ?? nodeAtPosition(this.graph, lineStart) ?? null;
    if (nodeId === this.highlighted) return;
    this.highlighted = nodeId;
    this.post({ type: 'highlight', nodeId });
  }

  /** Selects the layer's call in the editor showing the document, or opens one beside the preview. */
  private async revealRange(r: PreviewRange): Promise<void> {
    const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(this.uri));
    const shown = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const column = shown?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, preserveFocus: false });
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Writes an exported drawing where the user chooses; PNG arrives as a base64 data URL. */
  private async save(m: ExportMessage): Promise<void> {
    const bytes = exportBytes(m);
    if (!bytes) return this.fail(new Error('the exported PNG was not a base64 data URL'));
    const folder = vscode.Uri.joinPath(vscode.Uri.parse(this.uri), '..');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, safeFileName(m.fileName, m.format)),
      filters: m.format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      title: `Export ${m.format.toUpperCase()}`,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Stride: saved ${vscode.workspace.asRelativePath(target)}.`);
  }

  private fail(error: unknown): void {
    void vscode.window.showErrorMessage(`Stride preview: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const PNG_PREFIX = 'data:image/png;base64,';

function exportBytes(m: ExportMessage): Uint8Array | undefined {
  if (m.format === 'svg') return new TextEncoder().encode(m.data);
  if (!m.data.startsWith(PNG_PREFIX)) return undefined;
  return Buffer.from(m.data.slice(PNG_PREFIX.length), 'base64');
}

/** The page proposes the name; only a plain file name with the right extension is used. */
function safeFileName(name: string, format: 'svg' | 'png'): string {
  const base = name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '') || 'model';
  return base.toLowerCase().endsWith(`.${format}`) ? base : `${base}.${format}`;
}
