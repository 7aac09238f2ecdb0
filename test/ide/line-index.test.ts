// ide's LineIndex: the one line rule (\n, \r\n, lone \r), UTF-16 columns and total, clamping conversions.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { LineIndex } from '../../ide/line-index';

test('lines end at \\n, \\r\\n and a lone \\r', () => {
  const index = new LineIndex('a\nb\r\nc\rd');
  assert.equal(index.lineCount, 4);
  assert.deepEqual(
    [0, 2, 5, 7].map((o) => index.position(o)),
    [0, 1, 2, 3].map((line) => ({ line, character: 0 })),
  );
  assert.deepEqual([0, 1, 2, 3].map((l) => index.lineEnd(l)), [1, 3, 6, 8]);
  assert.deepEqual([0, 1, 2, 3].map((l) => index.lineStart(l)), [0, 2, 5, 7]);
});

test('an offset inside \\r\\n stays on its line; columns count UTF-16 code units', () => {
  const crlf = new LineIndex('ab\r\ncd');
  assert.deepEqual(crlf.position(3), { line: 0, character: 3 });
  const wide = new LineIndex('a😀b\nc');
  assert.deepEqual(wide.position(3), { line: 0, character: 3 });
  assert.equal(wide.offset(1, 0), 5);
});

test('conversions are total: out-of-range and garbage input clamp', () => {
  const index = new LineIndex('ab\rcd');
  assert.equal(index.offset(0, 99), 2, 'clamped before the lone \\r');
  assert.equal(index.offset(9, 0), 5);
  assert.equal(index.offset(-1, -1), 0);
  assert.equal(index.offset(Number.NaN, 'x'), 0);
  assert.deepEqual(index.position(-4), { line: 0, character: 0 });
  assert.deepEqual(index.position(99), { line: 1, character: 2 });
  assert.equal(new LineIndex('').lineCount, 1);
});
