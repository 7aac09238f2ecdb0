// The fast analysis fuzz tier: a few seeded bombs, call chains and random programs on every test run.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzAnalysis } from './analysis.fuzz';

for (const seed of [1, 2]) {
  test(`generated bombs and random programs analyse within every budget, spans inside the text (seed ${seed})`, () => {
    const report = fuzzAnalysis(seed, 25);
    assert.deepEqual(report.failures, []);
    assert.ok(
      Object.keys(report.outcomes).some((k) => k.endsWith('too-large')),
      JSON.stringify(report.outcomes),
    );
  });
}
