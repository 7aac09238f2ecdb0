// Stride's custom LSP methods (`stride/…`): names, parameters and results. Documented in docs/lsp-extensions.md.

import type { TrainingModel } from './training-model';

/** Same shape as LSP's Position and Range (UTF-16 columns), restated so this module stays dependency-free. */
export interface Position {
  readonly line: number;
  readonly character: number;
}
export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** Output shape with the batch axis excluded; `null` is an unknown dimension. */
export type Shape = readonly (number | null)[];

export interface Totals {
  readonly params: number;
  readonly trainable: number;
  readonly nonTrainable: number;
  readonly macs: number;
  /** float32 bytes of every layer output for one sample. */
  readonly activationBytes: number;
}

// ---- stride/modelGraph ----------------------------------------------------------------------

export const MODEL_GRAPH_METHOD = 'stride/modelGraph';

export interface ModelGraphParams {
  readonly uri: string;
  /** Model to return; default: the model containing `position` (or trained by the `train` section there), else the one the file trains, else the first. */
  readonly model?: string;
  readonly position?: Position;
}

export interface NodeDiagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info' | 'hint';
  readonly message: string;
}

export interface GraphNodeInfo {
  readonly id: number;
  /** Unique in the model, prefixed by block instances: `basic_1/conv2d_2`. */
  readonly name: string;
  readonly kind: string;
  /** Key arguments that differ from their defaults, in the preview's short form, e.g. `16, 3×3, same`. */
  readonly args: string;
  /** How the parameters are counted, e.g. `(3·3·16 + 1)·32`. */
  readonly formula: string;
  readonly outputShape: Shape | null;
  readonly params: number;
  readonly trainable: number;
  readonly nonTrainable: number;
  readonly macs: number;
  /** Producer node ids, in order. */
  readonly inputs: readonly number[];
  /** The layer call in the source (inside the block body for layers that come from a block). */
  readonly range: Range;
  /** Block instances that led here, outermost first, e.g. `['basic_1']`. */
  readonly blockPath: readonly string[];
  readonly diagnostics: readonly NodeDiagnostic[];
}

/** One call of a block in the model: the layers whose `blockPath` names `id` came from it. */
export interface BlockInstanceInfo {
  /** Instance name, unique in the model: `basic_2`, nested `stage_1/basic_2`. */
  readonly id: string;
  readonly block: string;
  /** The call as written, whitespace collapsed, e.g. `basic(64)`. */
  readonly label: string;
  /** The enclosing instance, for blocks called inside blocks. */
  readonly parent?: string;
  /** The call in the source (for nested instances: inside the enclosing block's body). */
  readonly range: Range;
}

export interface ModelGraphResult {
  readonly uri: string;
  /** The document version the graph was computed from. */
  readonly version: number;
  readonly model: string;
  /** Every model in the file, so a view can offer a switch. */
  readonly models: readonly string[];
  readonly nodes: readonly GraphNodeInfo[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** Block instances, outer ones before those nested in them. */
  readonly instances: readonly BlockInstanceInfo[];
  readonly totals: Totals;
  /** Training memory at the `train` section's batch size (else 32). */
  readonly memory: TrainingMemory;
  /** Errors in the whole document, so a view can say the drawing may be incomplete. */
  readonly errors: number;
  /**
   * Present when the model has more than MAX_GRAPH_NODES layers: `nodes` then holds only the first ones (inputs
   * to dropped nodes are dropped too, and `outputs` lists only kept nodes), and this is the model's full count.
   */
  readonly truncatedFrom?: number;
}

/** The most nodes `stride/modelGraph` sends: beyond this the answer is cut, so it stays small and fast. */
export const MAX_GRAPH_NODES = 5000;

export interface TrainingMemory {
  readonly batch: number;
  readonly optimizer: string;
  /** Bytes: weights + gradients + optimizer state + saved activations. */
  readonly total: number;
  readonly activations: number;
}

// ---- stride/summary -------------------------------------------------------------------------

export const SUMMARY_METHOD = 'stride/summary';

export interface SummaryParams {
  readonly uri: string;
  /** Model by name; else the model containing `position`; else the first model. */
  readonly model?: string;
  readonly position?: Position;
  /** Leave out the per-layer rows (status bar use). Default true. */
  readonly rows?: boolean;
}

export interface SummaryRow {
  readonly name: string;
  readonly kind: string;
  /** `(None, 32, 32, 16)` */
  readonly outputShape: string;
  readonly params: number;
  readonly trainable: number;
  readonly macs: number;
  /** Names of the producer layers. */
  readonly connectedTo: readonly string[];
}

export interface SummaryResult {
  readonly uri: string;
  readonly version: number;
  readonly model: string;
  readonly models: readonly string[];
  readonly rows: readonly SummaryRow[];
  readonly totals: Totals;
  /** Training-memory estimate in bytes for the configured batch size. */
  readonly trainingMemory: { readonly batch: number; readonly optimizer: string; readonly bytes: number };
  readonly errors: number;
}

// ---- stride/checkFiles ----------------------------------------------------------------------

export const CHECK_FILES_METHOD = 'stride/checkFiles';

export interface CheckFilesParams {
  /** Files to check. `text` is used unless the server has the document open (then its live text wins). */
  readonly files: readonly { readonly uri: string; readonly text: string }[];
}

export interface FileCheck {
  readonly uri: string;
  readonly errors: number;
  readonly warnings: number;
  readonly models: number;
}

export interface CheckFilesResult {
  readonly files: readonly FileCheck[];
}

// ---- stride/trainingModel --------------------------------------------------------------------

export const TRAINING_MODEL_METHOD = 'stride/trainingModel';

export interface TrainingModelParams {
  readonly uri: string;
  /** Model by name; else the model containing `position`; else the only one with a `train` section; else the first. */
  readonly model?: string;
  readonly position?: Position;
  /** Refuse a model with errors in it or what it uses (a background run); otherwise only its own layers must build. */
  readonly strict?: boolean;
}

export interface TrainingModelResult {
  readonly uri: string;
  readonly version: number;
  /** Every model of the document in source order, and whether it has a `train` section. */
  readonly models: readonly { readonly name: string; readonly trained: boolean }[];
  /** The model the rule chose (null when none could be). */
  readonly model: string | null;
  /** The lowered model, from the same analysis as the diagnostics; null with `error` saying why. */
  readonly training: TrainingModel | null;
  readonly error: string | null;
}

// ---- commands -------------------------------------------------------------------------------

/** Command ids the server puts into code lenses; the client registers them. Arguments: `(uri, modelName)`. */
export const COMMANDS = {
  showSummary: 'stride.showSummary',
  checkWorkspace: 'stride.checkWorkspace',
  openPreview: 'stride.openPreview',
  train: 'stride.train',
  trainInBackground: 'stride.trainInBackground',
  restartServer: 'stride.restartServer',
} as const;
