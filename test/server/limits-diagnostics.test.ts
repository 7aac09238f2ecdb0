// Protocol tests: analysis bombs publish the too-large diagnostic instead of no diagnostics at all.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { positionOf, TestClient } from './harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (name: string) => fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'limits', name), 'utf8');

let client: TestClient;
before(async () => {
  client = await TestClient.start();
});
after(() => client.stop());

test('a chain of 1,000 blocks each calling the next publishes too-large at the call past the depth limit', async () => {
  const text = read('call-chain-1000.stride');
  const published = await client.openAndWait('file:///limits/chain.stride', text);
  assert.deepEqual(
    published.diagnostics.map((d) => d.code),
    ['too-large'],
  );
  assert.deepEqual(published.diagnostics[0].range.start, positionOf(text, '  c65()', 2));
});

test('blocks nested 400 deep publish too-large', async () => {
  const published = await client.openAndWait('file:///limits/nested.stride', read('nested-repeat-400.stride'));
  assert.deepEqual(
    published.diagnostics.map((d) => d.code),
    ['too-large'],
  );
});
