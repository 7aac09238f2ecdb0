// ide's LineIndex: the one line rule (\n, \r\n, lone \r), UTF-16 columns and total, clamping conversions.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { LineIndex } from '../../ide/line-index';
import { Prng } from '../helpers/prng';

test('lines end at \\n, \\r\\n and a lone \\r', () => {
  const index = new LineIndex('a\nb\r\nc\rd');
  assert.equal(index.lineCount, 4);
  assert.deepEqual(
    [0, 2, 5, 7].map((o) => index.position(o)),
    [0, 1, 2, 3].map((line) => ({ line, character: 0 })),
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((l) => index.lineEnd(l)),
    [1, 3, 6, 8],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((l) => index.lineStart(l)),
    [0, 2, 5, 7],
  );
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

test('the lines after an edit, kept and shifted around it, are the lines of the new text counted afresh', () => {
  const rng = new Prng(7);
  const pieces = ['a', 'bc', '\n', '\r', '\r\n', ' ', 'x\ny', '\n\r'];
  let text = 'ab\r\ncd\nef\rgh\n';
  let index = new LineIndex(text);
  for (let step = 0; step < 2000; step++) {
    const start = rng.int(text.length + 1);
    const end = Math.min(text.length, start + rng.int(4));
    const insert = Array.from({ length: rng.int(3) }, () => rng.pick(pieces)).join('');
    const next = text.slice(0, start) + insert + text.slice(end);
    const edited = new LineIndex(next, index.startsAfterEdit(start, end, next));
    const fresh = new LineIndex(next);
    assert.equal(edited.lineCount, fresh.lineCount, JSON.stringify({ text, start, end, insert }));
    for (let l = 0; l < fresh.lineCount; l++) assert.equal(edited.lineStart(l), fresh.lineStart(l), JSON.stringify({ text, start, end, insert }));
    [text, index] = next.length > 400 ? ['ab\r\ncd\n', new LineIndex('ab\r\ncd\n')] : [next, edited];
  }
});
