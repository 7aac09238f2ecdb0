// Messages between the extension and the architecture preview webview, and their validators (both directions).

import type { PreviewDiagnostic, PreviewGraph, PreviewRange } from './preview-graph';
import { count, fail, guard, isObject, obj, oneOf, str, unknownType, type Checked, type Obj } from './validate';

export type * from './preview-graph';

// ---- extension → webview --------------------------------------------------------------------

/** A new or updated graph: the drawing changes, the zoom and position stay. */
export interface GraphMessage {
  readonly type: 'graph';
  readonly graph: PreviewGraph;
  /** The document the graph comes from; kept in the webview state so a panel serializer can reconnect after a restart. */
  readonly uri?: string;
}

/** The document has no model (or could not be analysed): the preview says so instead of drawing. */
export interface EmptyMessage {
  readonly type: 'empty';
  readonly message: string;
}

/** The layer under the editor cursor; `null` clears the highlight. */
export interface HighlightMessage {
  readonly type: 'highlight';
  readonly nodeId: string | null;
}

/** Asks the webview to export the drawing (e.g. from a command); it answers with an `export` message. */
export interface RequestExportMessage {
  readonly type: 'requestExport';
  readonly format: ExportFormat;
}

export type ToPreview = GraphMessage | EmptyMessage | HighlightMessage | RequestExportMessage;

// ---- webview → extension --------------------------------------------------------------------

/** Sent once the script runs, so the extension knows messages will be received. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** The user picked a layer (click or Enter) or a block instance: show its source. */
export interface RevealMessage {
  readonly type: 'reveal';
  readonly nodeId: string;
  readonly range: PreviewRange;
}

export type ExportFormat = 'svg' | 'png';
const EXPORT_FORMATS: readonly ExportFormat[] = ['svg', 'png'];

/** The exported drawing: SVG text, or a PNG as a base64 `data:image/png` URL, for the extension to save. */
export interface ExportMessage {
  readonly type: 'export';
  readonly format: ExportFormat;
  readonly fileName: string;
  readonly data: string;
}

export type FromPreview = ReadyMessage | RevealMessage | ExportMessage;

// ---- validation -----------------------------------------------------------------------------

/** Upper bounds that keep a hostile or broken message from stalling the view. */
export const LIMITS = { nodes: 50_000, groups: 20_000, edges: 200_000, text: 10_000, exportBytes: 64 * 1024 * 1024 } as const;

const text = (o: Obj, k: string): string => str(o, k, LIMITS.text);
const optionalText = (o: Obj, k: string): string | undefined => (o[k] === undefined ? undefined : text(o, k));

function list(o: Obj, k: string, max: number): readonly unknown[] {
  const v = o[k];
  return Array.isArray(v) && v.length <= max ? v : fail(`'${k}' must be a list of at most ${max}`);
}

function checkRange(v: unknown, what: string): PreviewRange {
  const r = obj(v, what);
  for (const end of ['start', 'end']) {
    const p = obj(r[end], `${what}.${end}`);
    count(p, 'line');
    count(p, 'character');
  }
  return r as unknown as PreviewRange;
}

function checkDiagnostics(o: Obj): void {
  list(o, 'diagnostics', 100).forEach((d, i) => {
    const x = obj(d, `diagnostics[${i}]`);
    oneOf(x, 'severity', ['error', 'warning'] as const satisfies readonly PreviewDiagnostic['severity'][]);
    text(x, 'code');
    text(x, 'message');
  });
}

function checkNode(v: unknown, i: number): string {
  const o = obj(v, `nodes[${i}]`);
  for (const k of ['kind', 'args', 'shape', 'formula']) text(o, k);
  for (const k of ['params', 'trainable', 'macs']) count(o, k);
  optionalText(o, 'group');
  checkRange(o.range, `nodes[${i}].range`);
  checkDiagnostics(o);
  return text(o, 'id');
}

function checkGroup(v: unknown, i: number): string {
  const o = obj(v, `groups[${i}]`);
  for (const k of ['block', 'label', 'shape']) text(o, k);
  for (const k of ['layers', 'params', 'macs']) count(o, k);
  optionalText(o, 'parent');
  checkRange(o.range, `groups[${i}].range`);
  checkDiagnostics(o);
  return text(o, 'id');
}

function checkTotals(v: unknown): void {
  const o = obj(v, 'totals');
  for (const k of ['params', 'trainable', 'nonTrainable', 'macs']) count(o, k);
  if (o.memory === undefined) return;
  const m = obj(o.memory, 'totals.memory');
  for (const k of ['batch', 'total', 'activations']) count(m, k);
  text(m, 'optimizer');
}

/**
 * Structure first, then references: ids are unique, every edge and group member names something that exists, and
 * parents are listed before their children (which also rules out cycles). The graph is checked in place and passed
 * on as it came, since copying fifty thousand nodes would only slow the view.
 */
function previewGraph(v: unknown): PreviewGraph {
  const g = obj(v, 'graph');
  text(g, 'model');
  count(g, 'errorCount');
  if (g.truncatedFrom !== undefined) count(g, 'truncatedFrom');
  checkTotals(g.totals);
  const nodeIds = new Set(list(g, 'nodes', LIMITS.nodes).map(checkNode));
  const groups = list(g, 'groups', LIMITS.groups);
  const groupIds = new Set(groups.map(checkGroup));
  if (nodeIds.size !== (g.nodes as unknown[]).length) return fail('node ids must be unique');
  if (groupIds.size !== groups.length) return fail('group ids must be unique');
  list(g, 'edges', LIMITS.edges).forEach((e, i) => {
    const o = obj(e, `edges[${i}]`);
    text(o, 'label');
    if (!nodeIds.has(text(o, 'source')) || !nodeIds.has(text(o, 'target'))) fail(`edges[${i}] must join known nodes`);
  });
  for (const n of g.nodes as Obj[]) if (n.group !== undefined && !groupIds.has(n.group as string)) fail(`node ${String(n.id)} is in an unknown group`);
  const seen = new Set<unknown>();
  for (const x of groups as Obj[]) {
    if (x.parent !== undefined && !seen.has(x.parent)) fail(`group ${String(x.id)} comes before its parent`);
    seen.add(x.id);
  }
  return g as unknown as PreviewGraph;
}

function toPreview(v: unknown): ToPreview {
  const o = obj(v, 'message');
  const type = o.type as ToPreview['type'];
  switch (type) {
    case 'graph': {
      const graph = previewGraph(o.graph);
      const uri = optionalText(o, 'uri');
      return uri === undefined ? { type, graph } : { type, graph, uri };
    }
    case 'empty':
      return { type, message: text(o, 'message') };
    case 'highlight':
      return { type, nodeId: o.nodeId === null ? null : text(o, 'nodeId') };
    case 'requestExport':
      return { type, format: oneOf(o, 'format', EXPORT_FORMATS) };
    default:
      return unknownType(type);
  }
}

/** The extension side validates what the webview sends just the same. */
function fromPreview(v: unknown): FromPreview {
  const o = obj(v, 'message');
  const type = o.type as FromPreview['type'];
  switch (type) {
    case 'ready':
      return { type };
    case 'reveal':
      return { type, nodeId: text(o, 'nodeId'), range: checkRange(o.range, 'range') };
    case 'export':
      return { type, format: oneOf(o, 'format', EXPORT_FORMATS), fileName: text(o, 'fileName'), data: str(o, 'data', LIMITS.exportBytes) };
    default:
      return unknownType(type);
  }
}

export const checkPreviewGraph: (v: unknown) => Checked<PreviewGraph> = guard(previewGraph);
export const checkToPreview: (v: unknown) => Checked<ToPreview> = guard(toPreview);
export const checkFromPreview: (v: unknown) => Checked<FromPreview> = guard(fromPreview);

export const isPreviewGraph = (v: unknown): v is PreviewGraph => checkPreviewGraph(v).ok;

// ---- saved page state -----------------------------------------------------------------------

/** What a restored panel needs from the state the page saved with `setState`: the document and the model shown. */
export interface PreviewTarget {
  readonly uri: string;
  readonly model?: string;
}

function previewTarget(state: unknown): PreviewTarget {
  const s = obj(state, 'state');
  const uri = text(s, 'uri');
  const model = isObject(s.graph) && typeof s.graph.model === 'string' ? s.graph.model : undefined;
  return model === undefined ? { uri } : { uri, model };
}

/** The saved state comes back from disk through VS Code, so it is checked like any message; anything else is ignored. */
export const checkPreviewTarget: (v: unknown) => Checked<PreviewTarget> = guard(previewTarget);
