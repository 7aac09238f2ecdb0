// Offsets for ide tests: find text in a source, no LSP positions involved.

/** Offset of the `n`th occurrence of `needle` in `text`, plus `delta`. */
export function at(text: string, needle: string, delta = 0, n = 0): number {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`'${needle}' not found ${n + 1} times`);
  }
  return i + delta;
}
