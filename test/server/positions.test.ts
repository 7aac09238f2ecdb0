// The offset ↔ position module: UTF-16 columns, all three line endings, clamping of out-of-range positions.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineMap } from '../../server/positions';

describe('LineMap', () => {
  it('counts columns in UTF-16 code units', () => {
    const m = new LineMap('a😀b\nc');
    assert.deepEqual(m.position(3), { line: 0, character: 3 });
    assert.equal(m.offsetAt({ line: 0, character: 3 }), 3);
    assert.deepEqual(m.range({ start: 1, end: 3 }), { start: { line: 0, character: 1 }, end: { line: 0, character: 3 } });
  });

  it('ends lines at \\n, \\r\\n and a lone \\r', () => {
    const m = new LineMap('a\r\nb\rc\nd');
    assert.equal(m.lineCount, 4);
    assert.deepEqual(
      [0, 3, 5, 7].map((o) => m.position(o)),
      [0, 1, 2, 3].map((line) => ({ line, character: 0 })),
    );
    assert.equal(m.lineEnd(0), 1, 'before \\r\\n');
    assert.equal(m.lineEnd(1), 4, 'before a lone \\r');
    assert.equal(m.offsetAt({ line: 0, character: 99 }), 1, 'clamped to the line content');
  });

  it('clamps garbage and out-of-range positions instead of failing', () => {
    const m = new LineMap('ab\ncd');
    assert.equal(m.offsetAt({ line: -3, character: -1 }), 0);
    assert.equal(m.offsetAt({ line: 99, character: 0 }), 5);
    assert.equal(m.offsetAt(null), 0);
    assert.equal(m.offsetAt({ line: Number.NaN, character: 1 } as never), 1);
    assert.deepEqual(m.span({ start: { line: 1, character: 1 }, end: { line: 0, character: 0 } }), { start: 0, end: 4 });
    assert.deepEqual(m.position(-5), { line: 0, character: 0 });
    assert.deepEqual(m.position(1e9), { line: 1, character: 2 });
  });
});
