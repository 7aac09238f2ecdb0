// The one offset ↔ line/column conversion: the CLI, the server, the tests and every view count lines the same way.

/**
 * Line starts of one text. Columns are UTF-16 code units, exactly like core offsets. Lines end at `\n`, `\r\n`
 * or a lone `\r`, as the Language Server Protocol (and every editor applying edits) defines them, so a file with
 * old Mac line ends reads as many lines to the CLI just as it does in the editor.
 */
export class LineIndex {
  /** A typed array: updating it around an edit copies and shifts 100,000 starts in about a millisecond. */
  private readonly starts: Int32Array;

  /** `starts` only from `startsAfterEdit`, for the same text. */
  constructor(
    readonly text: string,
    starts?: Int32Array,
  ) {
    if (starts) {
      this.starts = starts;
      return;
    }
    const list = [0];
    // Without a \r every line ends at a \n, which the engine's own search finds several times faster than a loop.
    if (text.indexOf('\r') < 0) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) list.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) list.push(i + 1);
      }
    }
    this.starts = Int32Array.from(list);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Line and column (both 0-based) of an offset; offsets outside the text clamp to its ends. */
  position(offset: number): { line: number; character: number } {
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
   * Offset of a line and column. Total: positions past the end of a line or of the text (or garbage, from a client)
   * clamp to the nearest valid offset instead of failing.
   */
  offset(line: unknown, character: unknown): number {
    const l = clampInt(line, 0, Number.MAX_SAFE_INTEGER);
    if (l >= this.starts.length) return this.text.length;
    return Math.min(this.starts[l] + clampInt(character, 0, Number.MAX_SAFE_INTEGER), this.lineEnd(l));
  }

  /** Offset of the end of a line's content (before `\r\n`, `\n` or `\r`). */
  lineEnd(line: number): number {
    const l = clampInt(line, 0, this.starts.length - 1);
    if (l + 1 >= this.starts.length) return this.text.length;
    const next = this.starts[l + 1] - 1;
    return this.text.charCodeAt(next) === 10 && next > this.starts[l] && this.text.charCodeAt(next - 1) === 13 ? next - 1 : next;
  }

  /**
   * The line starts of `text`, which is this text with `[start, end)` replaced: starts before the edit are kept and
   * those after it shifted; only around the edit are characters read (a `\r` next to it may join or leave a `\r\n`).
   */
  startsAfterEdit(start: number, end: number, text: string): Int32Array {
    const delta = text.length - this.text.length;
    const from = Math.max(0, start - 1);
    const to = Math.min(text.length - 1, end + delta);
    const old = this.starts;
    const head = firstAbove(old, from);
    const around: number[] = [];
    for (let i = from; i <= to; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) around.push(i + 1);
    }
    const after = firstAbove(old, end + 1);
    const starts = new Int32Array(head + around.length + old.length - after);
    starts.set(old.subarray(0, head));
    starts.set(around, head);
    for (let k = after, j = head + around.length; k < old.length; k++, j++) starts[j] = old[k] + delta;
    return starts;
  }

  lineStart(line: number): number {
    return this.starts[clampInt(line, 0, this.starts.length - 1)];
  }
}

/** Index of the first element of an ascending list greater than `value`. */
function firstAbove(list: Int32Array, value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function clampInt(v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return min;
  return Math.max(min, Math.min(max, Math.floor(v)));
}
