// The one place where core UTF-16 offsets become LSP positions and ranges, and back.

import type { Position, Range } from 'vscode-languageserver';
import type { Span } from '../core/syntax/span';

/**
 * Line starts of one text version. LSP columns are UTF-16 code units, exactly like core offsets; lines end at
 * `\n`, `\r\n` or a lone `\r`, as the protocol (and the client applying edits) defines them.
 */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    const clamped = clampInt(offset, 0, this.text.length);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - this.starts[lo] };
  }

  /**
   * Offset of an LSP position. Total: clients may send positions past the end of a line or of the file
   * (or garbage), which clamp to the nearest valid offset instead of failing.
   */
  offset(position: Position | undefined | null): number {
    const line = clampInt(position?.line, 0, Number.MAX_SAFE_INTEGER);
    if (line >= this.starts.length) return this.text.length;
    const start = this.starts[line];
    const end = this.lineEnd(line);
    return Math.min(start + clampInt(position?.character, 0, Number.MAX_SAFE_INTEGER), end);
  }

  /** Offset of the end of a line's content (before `\r\n` or `\n`). */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    const next = this.starts[line + 1] - 1;
    return this.text.charCodeAt(next) === 10 && next > this.starts[line] && this.text.charCodeAt(next - 1) === 13 ? next - 1 : next;
  }

  lineStart(line: number): number {
    return this.starts[clampInt(line, 0, this.starts.length - 1)];
  }

  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  /** The span an LSP range covers, with start ≤ end even when the client sends them reversed. */
  span(range: Range | undefined | null): Span {
    const a = this.offset(range?.start);
    const b = this.offset(range?.end);
    return { start: Math.min(a, b), end: Math.max(a, b) };
  }
}

function clampInt(v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return min;
  return Math.max(min, Math.min(max, Math.floor(v)));
}
