// The fast LSP fuzz tier: a few seeded runs of wild edits, requests, cancellations and framing errors on every test run.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzLsp } from './lsp.fuzz';

for (const seed of [1, 2]) {
  test(`wild edits, every request kind, cancellations and broken frames leave the server in sync and answering (seed ${seed})`, async () => {
    const report = await fuzzLsp(seed, 150);
    assert.deepEqual(report.failures, []);
    assert.ok((report.outcomes['request: answered'] ?? 0) > 0 && (report.outcomes['framing: still answering'] ?? 0) > 0);
  });
}
