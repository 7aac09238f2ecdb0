// Pure heat-map arithmetic: normalising a feature map to [0, 1], a perceptual colour ramp, and RGBA pixels for a canvas.

/** Min/max of the finite values; NaN and ±Infinity are ignored so one bad value cannot blank a map. */
export function finiteRange(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min === Infinity ? { min: 0, max: 0 } : { min, max };
}

/**
 * Scales values to [0, 1] by their own range (each map is contrast-stretched on its own, as feature-map viewers do).
 * A constant map becomes all zeros; non-finite values become 0.
 */
export function normalise(values: ArrayLike<number>, range = finiteRange(values)): Float32Array {
  const out = new Float32Array(values.length);
  const span = range.max - range.min;
  if (span <= 0) return out;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Number.isFinite(v) ? Math.min(1, Math.max(0, (v - range.min) / span)) : 0;
  }
  return out;
}

// Viridis at five stops: dark purple → blue → green → yellow; readable on light and dark themes.
const STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** The colour for t in [0, 1], linearly interpolated between the stops. */
export function colour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** RGBA bytes (ImageData layout) for a normalised map. */
export function toRgba(unit: Float32Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(unit.length * 4);
  for (let i = 0; i < unit.length; i++) {
    const [r, g, b] = colour(unit[i]);
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Channel `c` of a channels-last [h, w, channels] tensor's data, as its own h×w array. */
export function channel(data: ArrayLike<number>, h: number, w: number, channels: number, c: number): Float32Array {
  const out = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) out[p] = data[p * channels + c];
  return out;
}

/** Indices of the `k` largest values, largest first: the top predicted classes. */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i).filter((i) => Number.isFinite(values[i]));
  idx.sort((a, b) => values[b] - values[a] || a - b);
  return idx.slice(0, Math.max(0, k));
}
