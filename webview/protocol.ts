// Messages between the extension and the architecture preview webview, and the validator for incoming ones.

import type { PreviewGraph, PreviewRange } from './layout/types';

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

export type ToWebview = GraphMessage | EmptyMessage | HighlightMessage | RequestExportMessage;

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

/** The exported drawing: SVG text, or a PNG as a base64 `data:image/png` URL, for the extension to save. */
export interface ExportMessage {
  readonly type: 'export';
  readonly format: ExportFormat;
  readonly fileName: string;
  readonly data: string;
}

export type FromWebview = ReadyMessage | RevealMessage | ExportMessage;

// ---- validation -----------------------------------------------------------------------------

/** Upper bounds that keep a hostile or broken message from stalling the view. */
export const LIMITS = { nodes: 50_000, groups: 20_000, edges: 200_000, text: 10_000 } as const;

type Check = (v: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText: Check = (v) => typeof v === 'string' && v.length <= LIMITS.text;
const isCount: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isOptional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const isArrayOf =
  (check: Check, max: number): Check =>
  (v) =>
    Array.isArray(v) && v.length <= max && v.every(check);
const hasFields =
  (fields: Record<string, Check>): Check =>
  (v) =>
    isObject(v) && Object.entries(fields).every(([k, check]) => check(v[k]));

const isPosition = hasFields({ line: isCount, character: isCount });
const isRange = hasFields({ start: isPosition, end: isPosition });
const isDiagnostic = hasFields({ severity: (v) => v === 'error' || v === 'warning', code: isText, message: isText });
const isDiagnostics = isArrayOf(isDiagnostic, 100);

const isNode = hasFields({
  id: isText,
  kind: isText,
  args: isText,
  shape: isText,
  params: isCount,
  trainable: isCount,
  macs: isCount,
  formula: isText,
  group: isOptional(isText),
  range: isRange,
  diagnostics: isDiagnostics,
});

const isGroup = hasFields({
  id: isText,
  block: isText,
  label: isText,
  parent: isOptional(isText),
  range: isRange,
  layers: isCount,
  params: isCount,
  macs: isCount,
  shape: isText,
  diagnostics: isDiagnostics,
});

const isEdge = hasFields({ source: isText, target: isText, label: isText });

const isTotals = hasFields({
  params: isCount,
  trainable: isCount,
  nonTrainable: isCount,
  macs: isCount,
  memory: isOptional(hasFields({ batch: isCount, optimizer: isText, total: isCount, activations: isCount })),
});

/** Structure first, then references: every edge and group member must name something that exists. */
export function isPreviewGraph(v: unknown): v is PreviewGraph {
  const shaped = hasFields({
    model: isText,
    nodes: isArrayOf(isNode, LIMITS.nodes),
    edges: isArrayOf(isEdge, LIMITS.edges),
    groups: isArrayOf(isGroup, LIMITS.groups),
    totals: isTotals,
    errorCount: isCount,
  })(v);
  if (!shaped) return false;
  const g = v as unknown as PreviewGraph;
  const nodeIds = new Set(g.nodes.map((n) => n.id));
  const groupIds = new Set(g.groups.map((x) => x.id));
  if (nodeIds.size !== g.nodes.length || groupIds.size !== g.groups.length) return false;
  return (
    g.edges.every((e) => nodeIds.has(e.source) && nodeIds.has(e.target)) &&
    g.nodes.every((n) => n.group === undefined || groupIds.has(n.group)) &&
    parentsPrecede(g)
  );
}

/** Parents are listed before their children, which also rules out cycles. */
function parentsPrecede(g: PreviewGraph): boolean {
  const seen = new Set<string>();
  for (const group of g.groups) {
    if (group.parent !== undefined && !seen.has(group.parent)) return false;
    seen.add(group.id);
  }
  return true;
}

const isFormat: Check = (v) => v === 'svg' || v === 'png';

/** The message if it is one the webview understands, else undefined: anything else is ignored. */
export function parseToWebview(v: unknown): ToWebview | undefined {
  if (!isObject(v)) return undefined;
  switch (v.type) {
    case 'graph':
      if (!isPreviewGraph(v.graph) || !isOptional(isText)(v.uri)) return undefined;
      return v.uri === undefined ? { type: 'graph', graph: v.graph } : { type: 'graph', graph: v.graph, uri: v.uri as string };
    case 'empty':
      return isText(v.message) ? { type: 'empty', message: v.message as string } : undefined;
    case 'highlight':
      return v.nodeId === null || isText(v.nodeId) ? { type: 'highlight', nodeId: v.nodeId as string | null } : undefined;
    case 'requestExport':
      return isFormat(v.format) ? { type: 'requestExport', format: v.format as ExportFormat } : undefined;
    default:
      return undefined;
  }
}

/** The extension side validates what the webview sends just the same. */
export function parseFromWebview(v: unknown): FromWebview | undefined {
  if (!isObject(v)) return undefined;
  switch (v.type) {
    case 'ready':
      return { type: 'ready' };
    case 'reveal':
      return isText(v.nodeId) && isRange(v.range) ? { type: 'reveal', nodeId: v.nodeId as string, range: v.range as PreviewRange } : undefined;
    case 'export':
      return isFormat(v.format) && isText(v.fileName) && typeof v.data === 'string' && v.data.length <= 64 * 1024 * 1024
        ? { type: 'export', format: v.format as ExportFormat, fileName: v.fileName as string, data: v.data }
        : undefined;
    default:
      return undefined;
  }
}
