// docs/export-formats.md must match the formats' own support tables over the registry.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { defaultRegistry } from '../../core/model/layers';
import { FORMATS } from '../../export/formats';
import { exportFormatsDoc } from '../../export/support-table';

const DOC = path.resolve(__dirname, '..', '..', '..', 'docs', 'export-formats.md');

test('docs/export-formats.md is generated from every format and layer kind', () => {
  const expected = exportFormatsDoc();
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(DOC, expected);
  assert.equal(fs.readFileSync(DOC, 'utf8'), expected, 'docs/export-formats.md is stale: run `npm run docs`');
});

test('every kind has a row and every note or refusal a reason', () => {
  const doc = exportFormatsDoc();
  for (const def of defaultRegistry.all()) assert.match(doc, new RegExp(`^\\| \`${def.kind}\` \\|`, 'm'));
  for (const f of FORMATS)
    for (const def of defaultRegistry.all()) {
      const s = f.support(def.kind);
      if (s.status !== 'exact') assert.ok((s.note ?? '').length > 5, `${f.name} × ${def.kind} says why`);
    }
});
