// A deliberately naive model of how an editor applies an LSP content change, to check the server's text against.

export interface WildPosition {
  readonly line: number;
  readonly character: number;
}

export interface WildChange {
  readonly range?: { readonly start: WildPosition; readonly end: WildPosition };
  readonly text: string;
}

/** Lines as [content, line end] pairs; the protocol's line ends are `\r\n`, `\n` and a lone `\r`. */
function splitLines(text: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /\r\n|\r|\n/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push([text.slice(last, m.index), m[0]]);
    last = m.index + m[0].length;
  }
  out.push([text.slice(last), '']);
  return out;
}

/** An editor's reading of a coordinate: garbage is 0, huge is "as far as it goes", fractions round down. */
function coordinate(v: number): number {
  if (v === Infinity) return Number.MAX_SAFE_INTEGER;
  if (!Number.isFinite(v) || v < 0) return 0;
  return Math.floor(v);
}

/** The offset of a position: past a line's end is the line's end, past the last line is the end of the text. */
export function referenceOffset(text: string, p: WildPosition): number {
  const lines = splitLines(text);
  const line = coordinate(p.line);
  if (line >= lines.length) return text.length;
  let offset = 0;
  for (let i = 0; i < line; i++) offset += lines[i][0].length + lines[i][1].length;
  return offset + Math.min(coordinate(p.character), lines[line][0].length);
}

export function referenceApply(text: string, change: WildChange): string {
  if (!change.range) return change.text;
  const a = referenceOffset(text, change.range.start);
  const b = referenceOffset(text, change.range.end);
  return text.slice(0, Math.min(a, b)) + change.text + text.slice(Math.max(a, b));
}
