// Applies one LSP content change to a text the way editors do: every position clamps, so no edit can be refused or misplaced.

import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { LineIndex } from '../ide/line-index';

interface LoosePosition {
  readonly line?: unknown;
  readonly character?: unknown;
}

/**
 * The text after `change`. Positions follow the protocol: a character past its line's end means the line's end (a
 * position never falls between `\r` and `\n`), a line past the last means the end of the text, and negative, NaN or
 * fractional numbers clamp to the nearest valid offset. A reversed range covers the same text as the ordered one.
 * Line ends are recounted from the text itself (`\n`, `\r\n`, lone `\r`), so inserting `\r` before an existing `\n`
 * joins them into one line end, as it does in the editor.
 */
export function applyChange(text: string, change: TextDocumentContentChangeEvent): string {
  const replaced = replacedSpan(new LineIndex(text), change);
  return replaced ? text.slice(0, replaced.start) + change.text + text.slice(replaced.end) : change.text;
}

/** The offsets `change` replaces in the text of `lines` (the rules above); undefined for a full-text change. */
export function replacedSpan(lines: LineIndex, change: TextDocumentContentChangeEvent): { start: number; end: number } | undefined {
  if (!('range' in change) || change.range === undefined || change.range === null) return undefined;
  const a = offsetOf(lines, change.range.start);
  const b = offsetOf(lines, change.range.end);
  return { start: Math.min(a, b), end: Math.max(a, b) };
}

/** Offset of a client position; +Infinity (JSON `1e400`) means "past the end", not garbage. */
function offsetOf(lines: LineIndex, position: LoosePosition | undefined): number {
  return lines.offset(coordinate(position?.line), coordinate(position?.character));
}

function coordinate(value: unknown): number {
  if (value === Number.POSITIVE_INFINITY) return Number.MAX_SAFE_INTEGER;
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
