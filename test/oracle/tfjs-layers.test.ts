// Every layer kind tfjs-layers has, over argument tables: Stride's shapes and parameter counts must equal tfjs's exactly.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { caseName, strideFacts, strideSource, type Facts, type OracleCase } from './cases';
import { tfjsAdapters } from './tfjs-adapters';
import { tfjsCases } from './tfjs-table';
import { tfReady, tfjsFacts } from './tfjs-oracle';

function check(c: OracleCase): void {
  const make = tfjsAdapters[c.kind];
  assert.ok(make, `no tfjs adapter for ${c.kind}`);
  const want: Facts = tfjsFacts(c, make);
  const got = strideFacts(c);
  const context = `\n--- source ---\n${strideSource(c)}--- tfjs ---\n${JSON.stringify(want)}\n--- stride ---\n${JSON.stringify(got)}`;
  if ('error' in want) {
    assert.ok('error' in got, `tfjs rejects this configuration but Stride accepts it${context}`);
    return;
  }
  assert.ok(!('error' in got), `Stride rejects a configuration tfjs accepts${context}`);
  assert.deepEqual(got, want, context);
}

describe('tfjs-layers oracle', () => {
  before(tfReady);
  const kinds = new Map<string, OracleCase[]>();
  for (const c of tfjsCases) kinds.set(c.kind, [...(kinds.get(c.kind) ?? []), c]);
  for (const [kind, cases] of kinds) {
    describe(kind, () => {
      for (const c of cases) test(caseName(c), () => check(c));
    });
  }
});
