// The one place where ide UTF-16 offsets become LSP positions and ranges, and back, over ide's LineIndex.

import type { Position, Range } from 'vscode-languageserver';
import type { Span } from '../core/syntax/span';
import { LineIndex } from '../ide/line-index';

/**
 * LSP positions of one text version. Line splitting is ide's (`\n`, `\r\n` and a lone `\r`, as the protocol
 * defines them), so the server and the CLI always agree on lines; this class only adapts the types.
 */
export class LineMap extends LineIndex {
  /**
   * Offset of an LSP position. Total: clients may send positions past the end of a line or of the file
   * (or garbage), which clamp to the nearest valid offset instead of failing.
   */
  offsetAt(position: Position | undefined | null): number {
    return this.offset(position?.line, position?.character);
  }

  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  /** The span an LSP range covers, with start ≤ end even when the client sends them reversed. */
  span(range: Range | undefined | null): Span {
    const a = this.offsetAt(range?.start);
    const b = this.offsetAt(range?.end);
    return { start: Math.min(a, b), end: Math.max(a, b) };
  }
}
