// Messages between the extension and the model summary webview, and their validators (both directions).

import type { SummaryResult, SummaryRow, Totals } from './lsp-ext';
import { count, fail, guard, int, obj, str, strings, unknownType, type Checked, type Obj } from './validate';

// ---- extension → webview --------------------------------------------------------------------

/** The summary to show: the server's `stride/summary` answer, as it came. */
export interface SummaryMessage {
  readonly type: 'summary';
  readonly summary: SummaryResult;
}

export type ToSummary = SummaryMessage;

// ---- webview → extension --------------------------------------------------------------------

/** Sent once the script runs: messages posted before that could be lost, so the data follows this. */
export interface SummaryReadyMessage {
  readonly type: 'ready';
}

export type FromSummary = SummaryReadyMessage;

// ---- validation -----------------------------------------------------------------------------

/** Upper bounds that keep a hostile or broken message from stalling the page. */
export const SUMMARY_LIMITS = { rows: 50_000, models: 10_000, text: 10_000 } as const;

const text = (o: Obj, k: string): string => str(o, k, SUMMARY_LIMITS.text);

function row(v: unknown, i: number): SummaryRow {
  const o = obj(v, `rows[${i}]`);
  return {
    name: text(o, 'name'),
    kind: text(o, 'kind'),
    outputShape: text(o, 'outputShape'),
    params: count(o, 'params'),
    trainable: count(o, 'trainable'),
    macs: count(o, 'macs'),
    connectedTo: strings(o, 'connectedTo', SUMMARY_LIMITS.rows, SUMMARY_LIMITS.text),
  };
}

function totals(v: unknown): Totals {
  const o = obj(v, 'totals');
  return {
    params: count(o, 'params'),
    trainable: count(o, 'trainable'),
    nonTrainable: count(o, 'nonTrainable'),
    macs: count(o, 'macs'),
    activationBytes: count(o, 'activationBytes'),
  };
}

function summary(v: unknown): SummaryResult {
  const o = obj(v, 'summary');
  const rows = o.rows;
  if (!Array.isArray(rows) || rows.length > SUMMARY_LIMITS.rows) return fail(`'rows' must be a list of at most ${SUMMARY_LIMITS.rows}`);
  const memory = obj(o.trainingMemory, 'trainingMemory');
  return {
    uri: text(o, 'uri'),
    version: int(o, 'version', -(2 ** 31), 2 ** 31),
    model: text(o, 'model'),
    models: strings(o, 'models', SUMMARY_LIMITS.models, SUMMARY_LIMITS.text),
    rows: rows.map(row),
    totals: totals(o.totals),
    trainingMemory: { batch: count(memory, 'batch'), optimizer: text(memory, 'optimizer'), bytes: count(memory, 'bytes') },
    errors: count(o, 'errors'),
  };
}

function toSummary(v: unknown): ToSummary {
  const o = obj(v, 'message');
  const type = o.type as ToSummary['type'];
  switch (type) {
    case 'summary':
      return { type, summary: summary(o.summary) };
    default:
      return unknownType(type);
  }
}

function fromSummary(v: unknown): FromSummary {
  const o = obj(v, 'message');
  const type = o.type as FromSummary['type'];
  switch (type) {
    case 'ready':
      return { type };
    default:
      return unknownType(type);
  }
}

export const checkToSummary: (v: unknown) => Checked<ToSummary> = guard(toSummary);
export const checkFromSummary: (v: unknown) => Checked<FromSummary> = guard(fromSummary);
