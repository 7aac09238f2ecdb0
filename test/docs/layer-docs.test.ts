// docs/layers.md must match the registry it documents.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { layerReference, layerSignature } from '../../ide/signatures';
import { defaultRegistry } from '../../core/model/layers';

const DOC = path.resolve(__dirname, '..', '..', '..', 'docs', 'layers.md');

test('docs/layers.md is generated from the current registry', () => {
  const expected = layerReference(defaultRegistry);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(DOC, expected);
  assert.equal(fs.readFileSync(DOC, 'utf8'), expected, 'docs/layers.md is stale: run `npm run docs`');
});

test('every layer kind is documented with a summary and a signature naming all its arguments', () => {
  for (const def of defaultRegistry.all()) {
    assert.ok(def.summary.length > 10, `${def.kind} has a summary`);
    const sig = layerSignature(def);
    for (const a of def.args) assert.ok(sig.includes(a.name), `${def.kind} signature names ${a.name}`);
    for (const a of def.args) assert.ok(a.doc.length > 3, `${def.kind}.${a.name} is documented`);
  }
});
