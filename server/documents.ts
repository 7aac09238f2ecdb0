// Open documents and their analyses, cached by uri and version so no request ever sees a stale analysis.

import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { analyze, type Analysis } from '../core/analyze';
import { applyChange } from './edits';
import { LineMap } from './positions';

/** Texts longer than this are not analysed: requests on them stay fast and answer with empty results. */
export const MAX_ANALYZED_LENGTH = 1_000_000;

/** One version of one document with its analysis. Immutable: a newer version is a new snapshot. */
export interface Snapshot {
  readonly uri: string;
  readonly version: number;
  readonly analysis: Analysis;
  readonly lines: LineMap;
  /** True when the text exceeded MAX_ANALYZED_LENGTH and `analysis` is that of an empty file. */
  readonly tooLarge: boolean;
}

interface Entry {
  text: string;
  version: number;
  cached?: Snapshot;
}

export type ChangeOutcome = 'applied' | 'stale' | 'unknown' | 'malformed';

export class DocumentStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly onAnalysisError: (uri: string, error: unknown) => void = () => {}) {}

  /** Opens (or reopens, replacing) a document. The language id is not needed: only Stride files are sent. */
  open(uri: string, _languageId: string, version: number, text: string): void {
    this.entries.set(uri, { text, version: typeof version === 'number' && Number.isFinite(version) ? version : 0 });
  }

  /**
   * Applies edits for a newer version. Versions that do not increase are dropped: applying incremental
   * edits out of order would corrupt the text, and the client resends the full state on reopen.
   */
  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): ChangeOutcome {
    const entry = this.entries.get(uri);
    if (!entry) return 'unknown';
    if (typeof version !== 'number' || !(version > entry.version)) return 'stale';
    if (!changes.every(wellFormed)) return 'malformed';
    // Applied one after another, each against the text the previous one left, exactly as the client did.
    entry.text = changes.reduce(applyChange, entry.text);
    entry.version = version;
    entry.cached = undefined;
    return 'applied';
  }

  close(uri: string): void {
    this.entries.delete(uri);
  }

  has(uri: string): boolean {
    return this.entries.has(uri);
  }

  /** The current text of `uri`, exactly as the client holds it. */
  text(uri: string): string | undefined {
    return this.entries.get(uri)?.text;
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }

  version(uri: string): number | undefined {
    return this.entries.get(uri)?.version;
  }

  /** The analysed current version of `uri`, computed on first use after each change. */
  snapshot(uri: string): Snapshot | undefined {
    const entry = this.entries.get(typeof uri === 'string' ? uri : '');
    if (!entry) return undefined;
    if (entry.cached?.version !== entry.version) {
      entry.cached = analyzeText(uri, entry.version, entry.text, this.onAnalysisError);
    }
    return entry.cached;
  }
}

/**
 * A full-text change, or a ranged one with start and end objects. Coordinates that are not numbers (NaN and Infinity
 * arrive as null through JSON) clamp like other garbage when applied, rather than dropping the edit: a dropped edit
 * would leave the server's text behind the editor's for good.
 */
function wellFormed(change: TextDocumentContentChangeEvent): boolean {
  if (typeof change !== 'object' || change === null || typeof change.text !== 'string') return false;
  if (!('range' in change) || change.range === undefined) return true;
  const r = change.range as unknown as { start?: unknown; end?: unknown } | null;
  const pos = (p: unknown) => typeof p === 'object' && p !== null;
  return typeof r === 'object' && r !== null && pos(r.start) && pos(r.end);
}

/** Analyses a text that is not (or not necessarily) open, e.g. for a workspace check. */
export function analyzeText(uri: string, version: number, text: string, onError: (uri: string, error: unknown) => void = () => {}): Snapshot {
  const tooLarge = text.length > MAX_ANALYZED_LENGTH;
  const source = tooLarge ? '' : text;
  let analysis: Analysis;
  try {
    analysis = analyze(source);
  } catch (error) {
    // analyze() is total by contract; if a bug breaks that, degrade to "no facts" rather than crash.
    onError(uri, error);
    analysis = analyze('');
    return { uri, version, analysis, lines: new LineMap(''), tooLarge };
  }
  return { uri, version, analysis, lines: new LineMap(source), tooLarge };
}
