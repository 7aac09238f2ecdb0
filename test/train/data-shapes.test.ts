// The built-in shapes data set: reproducible from its seed, balanced, sized as asked, with clear errors.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classCounts, gather, split } from '../../train/data/dataset';
import { makeShapes, SHAPE_CLASSES } from '../../train/data/shapes';

describe('shapes data set: reproducible and balanced', () => {
  test('the same seed gives byte-identical images and labels; another seed different images', () => {
    const a = makeShapes({ count: 40, seed: 7 });
    const b = makeShapes({ count: 40, seed: 7 });
    const c = makeShapes({ count: 40, seed: 8 });
    assert.deepEqual(a.train.images, b.train.images);
    assert.deepEqual(a.train.labels, b.train.labels);
    assert.deepEqual(a.test!.images, b.test!.images);
    assert.notDeepEqual(a.train.images, c.train.images);
    assert.notDeepEqual(a.train.images, a.test!.images.subarray(0, a.train.images.length));
  });

  test('classes are balanced to within one sample, in train and test', () => {
    const d = makeShapes({ count: 103, testCount: 21 });
    assert.equal(d.classes.length, 4);
    for (const set of [d.train, d.test!]) {
      const counts = classCounts(set, d.classes.length);
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `unbalanced: ${counts}`);
      assert.equal(
        counts.reduce((a, b) => a + b, 0),
        set.count,
      );
    }
  });
});

describe('shapes data set: what the images look like', () => {
  test('images have the requested size and channels, with pixel values spread over [0, 1]', () => {
    const d = makeShapes({ count: 8, height: 20, width: 12, channels: 3 });
    assert.deepEqual(d.shape, [20, 12, 3]);
    assert.equal(d.train.images.length, 8 * 20 * 12 * 3);
    const batch = gather(d.train, 20 * 12 * 3, [0, 1]);
    const values = Array.from(batch.x);
    assert.ok(Math.min(...values) >= 0 && Math.max(...values) <= 1);
    assert.ok(Math.max(...values) - Math.min(...values) > 0.4, 'a shape should stand out from its background');
  });

  test('each class looks different: per-class mean images are far apart', () => {
    const d = makeShapes({ count: 400, seed: 3, noise: 0 });
    const size = 32 * 32;
    const means = SHAPE_CLASSES.map(() => new Float64Array(size));
    for (let i = 0; i < d.train.count; i++) {
      const m = means[d.train.labels[i]];
      for (let k = 0; k < size; k++) m[k] += d.train.images[i * size + k] / 100;
    }
    // Squares cover more of their bounding box than triangles and crosses: the overall brightness differs.
    const brightness = means.map((m) => m.reduce((a, b) => a + b, 0) / size);
    assert.ok(brightness[1] > brightness[2] && brightness[1] > brightness[3], `brightness per class: ${brightness}`);
  });
});

describe('shapes data set: the validation split and bad settings', () => {
  test('the validation split is seeded and disjoint', () => {
    const s1 = split(100, 0.2, 5);
    const s2 = split(100, 0.2, 5);
    assert.deepEqual(s1, s2);
    assert.equal(s1.validation.length, 20);
    const all = new Set([...s1.train, ...s1.validation]);
    assert.equal(all.size, 100);
  });

  test('bad sizes and channel counts are refused with the numbers', () => {
    assert.throws(() => makeShapes({ height: 4 }), /at least 8×8 pixels, got 4×4/);
    assert.throws(() => makeShapes({ channels: 2 }), /1 or 3 channels, got 2/);
  });
});
