// Pure chart arithmetic: value ranges, "nice" ticks, data-to-pixel mapping and point thinning for live plots.

export interface Range {
  readonly min: number;
  readonly max: number;
}

/** The finite extent of several series; a flat or empty extent is widened so the axis never divides by zero. */
export function extent(series: readonly (readonly number[])[]): Range {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    for (const v of s) {
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min === Infinity) return { min: 0, max: 1 };
  if (min === max) return { min: min - (Math.abs(min) || 1) * 0.5, max: max + (Math.abs(max) || 1) * 0.5 };
  return { min, max };
}

/** A 1-2-5 step covering `range` in about `count` intervals, and the tick values (the range is widened to whole steps). */
export function niceTicks(range: Range, count = 5): { range: Range; ticks: number[]; step: number } {
  const span = range.max - range.min;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  const step = (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
  const lo = Math.floor(range.min / step + 1e-9) * step;
  const hi = Math.ceil(range.max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let k = 0; lo + k * step <= hi + step * 1e-9; k++) ticks.push(roundTo(lo + k * step, step));
  return { range: { min: lo, max: hi }, ticks, step };
}

/** Removes float noise (0.30000000000000004) from tick values. */
function roundTo(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(digits, 12)));
}

/** Maps a domain value to a pixel coordinate; `flip` puts the minimum at the bottom as charts do. */
export function scale(domain: Range, pixels: Range, flip = false): (v: number) => number {
  const k = (pixels.max - pixels.min) / (domain.max - domain.min || 1);
  return flip ? (v) => pixels.max - (v - domain.min) * k : (v) => pixels.min + (v - domain.min) * k;
}

/**
 * Keeps at most `max` points of a long series by averaging equal buckets, so a chart of 100,000 batches
 * stays cheap to draw while its shape survives. Each bucket keeps the x of its last point.
 */
export function thin(xs: readonly number[], ys: readonly number[], max: number): { xs: number[]; ys: number[] } {
  const n = Math.min(xs.length, ys.length);
  if (n <= max) return { xs: xs.slice(0, n), ys: ys.slice(0, n) };
  const outX: number[] = [];
  const outY: number[] = [];
  for (let b = 0; b < max; b++) {
    const from = Math.floor((b * n) / max);
    const to = Math.floor(((b + 1) * n) / max);
    let sum = 0;
    let count = 0;
    for (let i = from; i < to; i++) {
      if (Number.isFinite(ys[i])) {
        sum += ys[i];
        count++;
      }
    }
    outX.push(xs[to - 1]);
    outY.push(count ? sum / count : NaN);
  }
  return { xs: outX, ys: outY };
}

/** An SVG path through the finite points; non-finite values break the line instead of dragging it to zero. */
export function linePath(xs: readonly number[], ys: readonly number[], x: (v: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    if (!Number.isFinite(ys[i])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(xs[i]).toFixed(1)},${y(ys[i]).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** Short tick labels: 0.001, 0.25, 12, 1.5k. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  if (a === 0) return '0';
  return String(Number(v.toPrecision(3)));
}
