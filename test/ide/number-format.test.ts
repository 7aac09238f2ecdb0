// Counts in the summary and hovers: grouped while exact, never grouped in exponent notation, marked when approximate.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { formatBigCount, formatCount } from '../../ide/number-format';
import { formatInt } from '../../core/model/values';
import { formatTable, type SummaryModel } from '../../ide/summary';

test('exact counts are grouped by thousands', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(Number.MAX_SAFE_INTEGER), '9,007,199,254,740,991');
  assert.equal(formatBigCount(2n ** 64n), '18,446,744,073,709,551,616');
});

test('counts above 2^53 are marked approximate, never printed as if exact', () => {
  assert.equal(formatCount(2 ** 60), '≈1,152,921,504,606,846,976');
  assert.ok(formatCount(2 ** 53 + 2).startsWith('≈'));
});

test('the formatter never groups digits in exponent notation (3.000,000,000,000,001e+21)', () => {
  const text = formatCount(3.000000000000001e21);
  assert.equal(text, '≈3.000e+21');
  assert.ok(!/\d,\d.*e\+/.test(formatCount(1e300)));
  assert.equal(formatCount(Infinity), '∞');
});

test('the summary table prints a 3e21 MACs total without digit groups in the exponent', () => {
  const totals = { params: 10, trainable: 10, nonTrainable: 0, macs: 3.000000000000001e21, paramBytes: 40, activationBytes: 4 };
  const memory = { batch: 32, optimizer: 'adam', total: 1, weights: 1, gradients: 0, optimizerState: 0, activations: 0, assumptions: [] };
  const table = formatTable({ name: 'M', layers: [], totals, memory } as unknown as SummaryModel);
  assert.match(table, /MACs per sample: ≈3\.000e\+21/);
  assert.ok(!table.includes('3.000,'));
});

test("a layer's parameter formula follows the same rule as the summary (core and views share one formatter)", () => {
  assert.equal(formatInt(1234567), '1,234,567');
  assert.equal(formatInt(3.000000000000001e21), '≈3.000e+21');
  assert.equal(formatInt(2 ** 60), `≈${(2n ** 60n).toLocaleString('en-US')}`);
});
