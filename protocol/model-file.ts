// Messages between the extension and the model file viewer (the read-only editor for ONNX, Keras and tfjs files).

import type { SummaryResult } from './lsp-ext';
import { checkPreviewGraph, type PreviewGraph } from './preview';
import { checkToSummary } from './summary';
import { fail, guard, int, obj, str, unknownType, type Checked, type Obj } from './validate';

// ---- extension → webview --------------------------------------------------------------------

/** The imported model: the drawing's graph, the summary table and how long the Stride text is. */
export interface ModelFileMessage {
  readonly type: 'model';
  /** The file's name, for the title bar. */
  readonly file: string;
  readonly graph: PreviewGraph;
  readonly summary: SummaryResult;
  /** Lines of the `.stride` text the Convert button writes. */
  readonly lines: number;
}

/** The file could not be imported (malformed, unsupported operators, a format not read yet): shown as text. */
export interface ModelFileErrorMessage {
  readonly type: 'error';
  readonly file: string;
  readonly message: string;
}

export type ToModelFile = ModelFileMessage | ModelFileErrorMessage;

// ---- webview → extension --------------------------------------------------------------------

/** Sent once the script runs: the import starts only then, so its answer is not lost. */
export interface ModelFileReadyMessage {
  readonly type: 'ready';
}

/** The Convert to .stride button. */
export interface ConvertMessage {
  readonly type: 'convert';
}

export type FromModelFile = ModelFileReadyMessage | ConvertMessage;

// ---- validation -----------------------------------------------------------------------------

/** Import errors list every unsupported operator with its nodes, so they may be long; still bounded. */
export const MODEL_FILE_LIMITS = { name: 1_000, message: 100_000 } as const;

const checked = <T>(result: Checked<T>, what: string): T => (result.ok ? result.value : fail(`${what}: ${result.error}`));

function toModelFile(v: unknown): ToModelFile {
  const o: Obj = obj(v, 'message');
  const type = o.type as ToModelFile['type'];
  switch (type) {
    case 'model': {
      const graph = checked(checkPreviewGraph(o.graph), 'graph');
      const summary = checked(checkToSummary({ type: 'summary', summary: o.summary }), 'summary').summary;
      return { type, file: str(o, 'file', MODEL_FILE_LIMITS.name), graph, summary, lines: int(o, 'lines') };
    }
    case 'error':
      return { type, file: str(o, 'file', MODEL_FILE_LIMITS.name), message: str(o, 'message', MODEL_FILE_LIMITS.message) };
    default:
      return unknownType(type);
  }
}

function fromModelFile(v: unknown): FromModelFile {
  const o = obj(v, 'message');
  const type = o.type as FromModelFile['type'];
  switch (type) {
    case 'ready':
    case 'convert':
      return { type };
    default:
      return unknownType(type);
  }
}

export const checkToModelFile: (v: unknown) => Checked<ToModelFile> = guard(toModelFile);
export const checkFromModelFile: (v: unknown) => Checked<FromModelFile> = guard(fromModelFile);
