// Open documents and their analyses, cached by uri and version so no request ever sees a stale analysis.

import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { analyze, type Analysis } from '../core/analyze';
import { analyzeRecorded, editedStatement, type EditedStatement, type Recorded } from '../core/incremental';
import { replacedSpan } from './edits';
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
  /** The analysis with its lowering checkpoints, for answering hovers on the next versions before they are analysed. */
  readonly recorded?: Recorded;
}

/** A version not analysed yet, with its edited statement from the last analysed version (core/incremental.ts). */
export interface Edited {
  readonly version: number;
  readonly lines: LineMap;
  readonly edited?: EditedStatement;
}

interface Entry {
  text: string;
  version: number;
  cached?: Snapshot;
  /** The last analysed version, kept after a change until the new version is analysed. */
  base?: Snapshot;
  edited?: Edited;
  /** Lines of `text`, kept across ranged edits so a keystroke does not recount a megabyte of lines. */
  lines?: LineMap;
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
    for (const c of changes) applyTo(entry, c);
    entry.version = version;
    entry.base = entry.cached ?? entry.base;
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
      // Edits that restore the analysed text (a keystroke undone) need no analysis: the same text gives the same one.
      const same = entry.base && !entry.base.tooLarge && entry.base.analysis.text === entry.text;
      entry.cached = same && entry.base ? { ...entry.base, version: entry.version } : analyzeText(uri, entry.version, entry.text, this.onAnalysisError, true);
      entry.base = undefined;
      entry.edited = undefined;
    }
    return entry.cached;
  }

  /**
   * For a version not analysed yet: its edited statement, lowered again from the last analysed version's checkpoints
   * (equal to what its own analysis will give for that statement). Undefined once the version is analysed, or when
   * no earlier analysis can be used; `edited` is absent when the edit is not one such statement.
   */
  edited(uri: string): Edited | undefined {
    const entry = this.entries.get(typeof uri === 'string' ? uri : '');
    const recorded = entry?.base?.recorded;
    if (!entry || entry.cached?.version === entry.version || !recorded || entry.text.length > MAX_ANALYZED_LENGTH) return undefined;
    if (entry.edited?.version !== entry.version) {
      const edited = safely(
        () => editedStatement(recorded, entry.text),
        (error) => this.onAnalysisError(uri, error),
      );
      entry.edited = { version: entry.version, lines: linesOf(entry), edited };
    }
    return entry.edited;
  }
}

/** Applies one change to the entry's text and its lines (ranged changes update the lines around the edit only). */
function applyTo(entry: Entry, change: TextDocumentContentChangeEvent): void {
  const lines = linesOf(entry);
  const replaced = replacedSpan(lines, change);
  const text = replaced ? entry.text.slice(0, replaced.start) + change.text + entry.text.slice(replaced.end) : change.text;
  entry.lines = replaced ? new LineMap(text, lines.startsAfterEdit(replaced.start, replaced.end, text)) : undefined;
  entry.text = text;
}

/** The lines of the entry's current text: kept, else those of its analysed snapshot, else counted. */
function linesOf(entry: Entry): LineMap {
  const snap = entry.cached;
  entry.lines ??= snap && !snap.tooLarge && snap.analysis.text === entry.text ? snap.lines : new LineMap(entry.text);
  return entry.lines;
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
export function analyzeText(
  uri: string,
  version: number,
  text: string,
  onError: (uri: string, error: unknown) => void = () => {},
  withCheckpoints = false,
): Snapshot {
  const tooLarge = text.length > MAX_ANALYZED_LENGTH;
  const source = tooLarge ? '' : text;
  let analysis: Analysis;
  let recorded: Recorded | undefined;
  try {
    recorded = withCheckpoints && !tooLarge ? analyzeRecorded(source) : undefined;
    analysis = recorded?.analysis ?? analyze(source);
  } catch (error) {
    // analyze() is total by contract; if a bug breaks that, degrade to "no facts" rather than crash.
    onError(uri, error);
    analysis = analyze('');
    return { uri, version, analysis, lines: new LineMap(''), tooLarge };
  }
  return { uri, version, analysis, lines: new LineMap(source), tooLarge, recorded };
}

/** The incremental path is an optimisation: a bug there is logged and the full analysis answers instead. */
function safely<T>(f: () => T, onError: (error: unknown) => void): T | undefined {
  try {
    return f();
  } catch (error) {
    onError(error);
    return undefined;
  }
}
