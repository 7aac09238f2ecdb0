// Each augmentation on small hand-made images (pixels followed by position), and the seeded per-sample draws.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  augmentBatch,
  augmentImage,
  brightness,
  contrast,
  cropPadded,
  cutout,
  flipHorizontal,
  rotate,
  sampleRandom,
  shift,
  type ImageShape,
} from '../../train/augment';
import type { AugmentSetting } from '../../protocol/training-model';

/** An image whose every value is distinct: value = 1 + index (channels-last), scaled into (0, 1]. */
function ramp([h, w, c]: ImageShape): Float32Array {
  const n = h * w * c;
  return Float32Array.from({ length: n }, (_, i) => (i + 1) / n);
}

const at = (img: Float32Array, [, w, c]: ImageShape, y: number, x: number, k = 0): number => img[(y * w + x) * c + k];

describe('augmentations, pixel by pixel', () => {
  test('flip moves pixel (y, x) to (y, W − 1 − x), every channel with it', () => {
    const shape: ImageShape = [3, 4, 2];
    const img = ramp(shape);
    const out = flipHorizontal(img, shape);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) for (let k = 0; k < 2; k++) assert.equal(at(out, shape, y, x, k), at(img, shape, y, 3 - x, k));
    assert.equal(at(out, shape, 0, 3), at(img, shape, 0, 0));
  });

  test('crop with padding takes the window at the given offset of the zero-padded image', () => {
    const shape: ImageShape = [4, 5, 1];
    const img = ramp(shape);
    const pad = 2;
    for (const [top, left] of [
      [0, 0],
      [2, 2],
      [4, 1],
      [3, 4],
    ]) {
      const out = cropPadded(img, shape, pad, top, left);
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 5; x++) {
          const sy = y + top - pad;
          const sx = x + left - pad;
          const expected = sy >= 0 && sy < 4 && sx >= 0 && sx < 5 ? at(img, shape, sy, sx) : 0;
          assert.equal(at(out, shape, y, x), expected, `offset (${top}, ${left}) pixel (${y}, ${x})`);
        }
    }
    assert.deepEqual(cropPadded(img, shape, pad, pad, pad), img);
  });

  test('translate shifts with zeros coming in', () => {
    const shape: ImageShape = [3, 3, 1];
    const out = shift(ramp(shape), shape, 1, -1);
    assert.deepEqual(Array.from(out), [0, 0, 0, 2 / 9, 3 / 9, 0, 5 / 9, 6 / 9, 0].map(Math.fround));
  });

  test('rotate by 90° is a transpose then a vertical flip; by 0° it is the identity', () => {
    const shape: ImageShape = [5, 5, 3];
    const img = ramp(shape);
    const out = rotate(img, shape, 90);
    // Counter-clockwise: the right column becomes the top row.
    for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) for (let k = 0; k < 3; k++) assert.equal(at(out, shape, y, x, k), at(img, shape, x, 4 - y, k));
    assert.deepEqual(rotate(img, shape, 0), img);
    assert.deepEqual(rotate(rotate(img, shape, 90), shape, -90), img);
  });

  test('rotate by 45° keeps the centre and reads zeros beyond the corners', () => {
    const shape: ImageShape = [5, 5, 1];
    const img = new Float32Array(25).fill(1);
    const out = rotate(img, shape, 45);
    assert.equal(at(out, shape, 2, 2), 1);
    assert.ok(at(out, shape, 0, 0) < 0.5, 'a corner reads mostly outside the source');
  });
});

describe('cutout, brightness and contrast', () => {
  test('cutout zeroes exactly the square, clipped at the border', () => {
    const shape: ImageShape = [6, 6, 2];
    const img = ramp(shape);
    const out = cutout(img, shape, 1, 2, 3);
    for (let y = 0; y < 6; y++)
      for (let x = 0; x < 6; x++) {
        const inside = y >= 1 && y < 4 && x >= 2 && x < 5;
        for (let k = 0; k < 2; k++) assert.equal(at(out, shape, y, x, k), inside ? 0 : at(img, shape, y, x, k));
      }
    const clipped = cutout(img, shape, -1, 5, 3);
    const zeros = Array.from(clipped).filter((v) => v === 0).length;
    assert.equal(zeros, 2 * 1 * 2, 'rows 0–1, column 5, two channels');
  });

  test('brightness and contrast follow their closed forms, kept in [0, 1]', () => {
    const img = Float32Array.from([0.1, 0.4, 0.7, 1]);
    assert.deepEqual(
      Array.from(brightness(img, 1.2)),
      Array.from(img, (v) => Math.fround(Math.min(1, v * 1.2))),
    );
    assert.equal(brightness(img, 1.2)[3], 1, 'clamped');
    const mean = Array.from(img).reduce((a, b) => a + b, 0) / 4;
    const expected = Array.from(img, (v) => Math.fround(Math.min(1, Math.max(0, (v - mean) * 0.5 + mean))));
    assert.deepEqual(Array.from(contrast(img, 0.5)), expected);
    assert.deepEqual(
      Array.from(contrast(img, 3)),
      Array.from(img, (v) => Math.fround(Math.min(1, Math.max(0, (v - mean) * 3 + mean)))),
    );
  });
});

const ALL: AugmentSetting[] = [
  { kind: 'flip', amount: 0.5 },
  { kind: 'crop', amount: 2 },
  { kind: 'rotate', amount: 15 },
  { kind: 'translate', amount: 1 },
  { kind: 'brightness', amount: 0.2 },
  { kind: 'contrast', amount: 0.2 },
  { kind: 'cutout', amount: 3 },
];

describe('seeded draws', () => {
  const shape: ImageShape = [8, 8, 3];
  const batch = () => {
    const one = ramp(shape);
    const x = new Float32Array(one.length * 4);
    for (let b = 0; b < 4; b++) x.set(one, b * one.length);
    return x;
  };

  test('the same seed gives the same batch, another seed or epoch another one', () => {
    const run = (seed: number, epoch: number) => {
      const x = batch();
      augmentBatch(x, shape, [5, 9, 2, 7], ALL, seed, epoch);
      return x;
    };
    assert.deepEqual(run(1, 1), run(1, 1));
    assert.notDeepEqual(run(1, 1), run(2, 1));
    assert.notDeepEqual(run(1, 1), run(1, 2));
  });

  test('a sample is augmented the same whatever its place in the batch; samples differ from each other', () => {
    const x = batch();
    augmentBatch(x, shape, [5, 9, 2, 7], ALL, 4, 1);
    const size = 8 * 8 * 3;
    const alone = augmentImage(ramp(shape), shape, ALL, sampleRandom(4, 1, 9));
    assert.deepEqual(x.subarray(size, 2 * size), alone);
    assert.notDeepEqual(x.subarray(0, size), x.subarray(size, 2 * size));
  });

  test('no augmentation leaves the image as it is', () => {
    const img = ramp(shape);
    assert.deepEqual(augmentImage(img, shape, [], sampleRandom(1, 1, 1)), img);
  });
});
