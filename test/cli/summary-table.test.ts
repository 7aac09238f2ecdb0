// `stride summary --depth N --columns …`: folded block rows carry their layers' totals, columns are the ones asked for.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Summary, SummaryLayer } from '../../ide/summary';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const example = (name: string) => path.join(ROOT, 'examples', `${name}.stride`);

function stride(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return r;
}

/** The header and body rows of the first table, each split on runs of two or more spaces. */
function table(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split('\n');
  const rules = lines.map((l, i) => (l.startsWith('━') ? i : -1)).filter((i) => i >= 0);
  const split = (l: string) => l.trim().split(/ {2,}/);
  return { header: split(lines[rules[0] + 1]), rows: lines.slice(rules[1] + 1, rules[2]).map(split) };
}

const count = (s: string) => Number(s.replace(/,/g, ''));

function layersOf(name: string): readonly SummaryLayer[] {
  return (JSON.parse(stride('summary', example(name), '--json').stdout) as Summary).models[0].layers;
}

test('--depth 0: top-level layers and one row per top-level block instance with its totals', () => {
  const layers = layersOf('resnet8');
  const t = table(stride('summary', example('resnet8'), '--depth', '0', '--columns', 'name,type,params,macs').stdout);
  assert.deepEqual(t.header, ['Layer (type)', 'Param #', 'MACs']);
  const expected = [...new Set(layers.map((l) => l.blocks[0] ?? l.name))];
  assert.deepEqual(
    t.rows.map((r) => r[0].replace(/ \(.*\)$/, '')),
    expected,
  );
  for (const instance of ['basic_1', 'down_1', 'down_2']) {
    const row = t.rows.find((r) => r[0].startsWith(`${instance} (`));
    assert.ok(row, instance);
    const members = layers.filter((l) => l.blocks[0] === instance);
    assert.match(row[0], new RegExp(`\\(${members[0].blockKinds[0]}\\)$`));
    assert.equal(
      count(row[1]),
      members.reduce((a, l) => a + l.params, 0),
      `${instance} params`,
    );
    assert.equal(
      count(row[2]),
      members.reduce((a, l) => a + l.macs, 0),
      `${instance} MACs`,
    );
  }
  const total = t.rows.reduce((a, r) => a + count(r[1]), 0);
  assert.equal(
    total,
    layers.reduce((a, l) => a + l.params, 0),
  );
});

test('--depth 1 keeps first-level blocks open and folds the ones inside them; a deep depth shows every layer', () => {
  const layers = layersOf('googlenet');
  const nested = layers.filter((l) => l.blocks.length >= 2);
  assert.ok(nested.length > 0, 'googlenet has blocks inside blocks');
  const t = table(stride('summary', example('googlenet'), '--depth', '1', '--columns', 'name,params').stdout);
  assert.deepEqual(t.header, ['Layer', 'Param #']);
  const names = t.rows.map((r) => r[0]);
  for (const l of nested) assert.ok(names.includes(l.blocks[1]), `${l.blocks[1]} is a row`);
  assert.ok(!names.includes(nested[0].name), 'a layer two blocks deep is folded');
  assert.equal(
    t.rows.reduce((a, r) => a + count(r[1]), 0),
    layers.reduce((a, l) => a + l.params, 0),
  );
  const all = table(stride('summary', example('googlenet'), '--depth', '9').stdout);
  assert.deepEqual(all, table(stride('summary', example('googlenet')).stdout));
  assert.equal(all.rows.length, layers.length);
});

test('--columns picks and orders columns by the table; unknown ones are refused with the list', () => {
  const t = table(stride('summary', example('lenet5'), '--columns', 'memory,shape,rf').stdout);
  assert.deepEqual(t.header, ['Output shape', 'Activations', 'RF']);
  const bad = stride('summary', example('lenet5'), '--columns', 'name,flops');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /option --columns does not accept 'flops' \(values: name, type, shape, params, macs, memory, rf, connected\)/);
});
