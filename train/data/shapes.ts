// The built-in `shapes` data set: procedurally drawn circles, squares, triangles and crosses, reproducible from a seed.

import { rng, type Dataset, type ImageSet } from './dataset';

export const SHAPE_CLASSES = ['circle', 'square', 'triangle', 'cross'] as const;

export interface ShapesOptions {
  /** Training images (default 4,000); classes take turns, so they are balanced to within one. */
  readonly count?: number;
  /** Test images drawn from a different seed stream (default count / 5). */
  readonly testCount?: number;
  /** Image side in pixels (default 32); height and width may differ. */
  readonly height?: number;
  readonly width?: number;
  /** 1 (grayscale, default) or 3 (each shape gets a random colour). */
  readonly channels?: number;
  readonly seed?: number;
  /** Amplitude of the uniform pixel noise, in [0, 1] (default 0.1). */
  readonly noise?: number;
}

type Inside = (u: number, v: number) => boolean;

// Shapes live in a unit frame: the circle has radius 1, the others have similar area.
const TRIANGLE = [0, 1, 2].map((k) => [Math.cos(Math.PI / 2 + (2 * Math.PI * k) / 3), Math.sin(Math.PI / 2 + (2 * Math.PI * k) / 3)]);
const edge = (a: number[], b: number[], u: number, v: number) => (b[0] - a[0]) * (v - a[1]) - (b[1] - a[1]) * (u - a[0]) >= 0;
const INSIDE: Inside[] = [
  (u, v) => u * u + v * v <= 0.8,
  (u, v) => Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8,
  (u, v) => edge(TRIANGLE[0], TRIANGLE[1], u, v) && edge(TRIANGLE[1], TRIANGLE[2], u, v) && edge(TRIANGLE[2], TRIANGLE[0], u, v),
  (u, v) => (Math.abs(u) <= 1 && Math.abs(v) <= 0.3) || (Math.abs(u) <= 0.3 && Math.abs(v) <= 1),
];

interface Placement {
  readonly cx: number;
  readonly cy: number;
  readonly r: number;
  readonly cos: number;
  readonly sin: number;
}

function place(h: number, w: number, random: () => number): Placement {
  const side = Math.min(h, w);
  const r = side * (0.22 + 0.16 * random());
  const angle = random() * 2 * Math.PI;
  return {
    r,
    cx: r + random() * (w - 2 * r),
    cy: r + random() * (h - 2 * r),
    cos: Math.cos(angle),
    sin: Math.sin(angle),
  };
}

const SUB = [0.25, 0.75];

/** Fraction of a pixel covered by the shape, from 2×2 supersampling (soft edges). */
function coverage(inside: Inside, p: Placement, x: number, y: number): number {
  let hits = 0;
  for (let j = 0; j < 2; j++) {
    const py = (y + SUB[j] - p.cy) / p.r;
    for (let i = 0; i < 2; i++) {
      const px = (x + SUB[i] - p.cx) / p.r;
      if (inside(p.cos * px + p.sin * py, -p.sin * px + p.cos * py)) hits++;
    }
  }
  return hits / 4;
}

function drawImage(out: Uint8Array, offset: number, label: number, dims: [number, number, number], noise: number, random: () => number): void {
  const [h, w, c] = dims;
  const p = place(h, w, random);
  const background = Array.from({ length: c }, () => random() * 0.3);
  // The foreground is brighter than the background by at least 0.45 in every channel, so shapes stay clear.
  const foreground = background.map((b) => b + 0.45 + random() * (0.55 - b));
  const inside = INSIDE[label];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = coverage(inside, p, x, y);
      for (let ch = 0; ch < c; ch++) {
        const v = background[ch] + a * (foreground[ch] - background[ch]) + (random() * 2 - 1) * noise;
        out[offset + (y * w + x) * c + ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
    }
  }
}

function drawSet(count: number, dims: [number, number, number], noise: number, seed: number): ImageSet {
  const random = rng(seed);
  const sample = dims[0] * dims[1] * dims[2];
  const images = new Uint8Array(count * sample);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % SHAPE_CLASSES.length;
    drawImage(images, i * sample, labels[i], dims, noise, random);
  }
  return { images, labels, count };
}

/** Draws the data set; the same options always give byte-identical images. */
export function makeShapes(options: ShapesOptions = {}): Dataset {
  const height = options.height ?? 32;
  const width = options.width ?? options.height ?? 32;
  const channels = options.channels ?? 1;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 8 || width < 8) {
    throw new Error(`The shapes data set needs images of at least 8×8 pixels, got ${height}×${width}.`);
  }
  if (channels !== 1 && channels !== 3) throw new Error(`The shapes data set draws 1 or 3 channels, got ${channels}.`);
  const count = options.count ?? 4000;
  const seed = options.seed ?? 1;
  const noise = options.noise ?? 0.1;
  const dims: [number, number, number] = [height, width, channels];
  return {
    name: 'shapes',
    shape: dims,
    classes: SHAPE_CLASSES,
    train: drawSet(count, dims, noise, seed),
    test: drawSet(options.testCount ?? Math.ceil(count / 5), dims, noise, seed ^ 0x5eed),
  };
}
