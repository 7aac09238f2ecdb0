// Source spans: half-open UTF-16 offset ranges, the only position type inside the core.

export interface Span {
  readonly start: number;
  readonly end: number;
}

export function span(start: number, end: number): Span {
  return { start, end };
}

/** The smallest span covering both arguments. */
export function cover(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

export function contains(outer: Span, offset: number): boolean {
  return offset >= outer.start && offset <= outer.end;
}
