// The fast data fuzz tier: a few seeded hostile images, downloads and weights folders on every test run.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzData } from './data.fuzz';

for (const seed of [1, 2]) {
  test(`hostile images, downloads and weights folders end in a result or a clear error (seed ${seed})`, async () => {
    const report = await fuzzData(seed, 40);
    assert.deepEqual(report.failures, []);
    assert.ok(Object.keys(report.outcomes).some((k) => k.endsWith('refused')));
  });
}
