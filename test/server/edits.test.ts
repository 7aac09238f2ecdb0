// Edits with wild ranges: the server's text always equals the editor's, and nothing a client sends can crash it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyChange } from '../../server/edits';
import { Prng } from '../helpers/prng';
import { TestClient } from './harness';
import { referenceApply, type WildChange } from './reference-edits';

const at = (line: number, character: number) => ({ line, character });
const insert = (line: number, character: number, text: string): WildChange => ({ range: { start: at(line, character), end: at(line, character) }, text });

const WILD: [string, string, WildChange][] = [
  ['a range at line 1e9 inserting a newline appends it', 'relu()\n', insert(1e9, 0, '\n')],
  ['a past-end character on the last line clamps to its end', 'ab\ncd', insert(1, 99, '\n')],
  ['a past-end character on an inner line clamps before its line end', 'ab\r\ncd', insert(0, 99, 'X')],
  ['\\r inserted before an existing \\n joins it into one line end', 'ab\ncd', insert(0, 2, '\r')],
  ['negative positions clamp to the start', 'abc', { range: { start: at(-5, -1), end: at(0, -3) }, text: 'X' }],
  ['NaN positions clamp to the start', 'abc', { range: { start: at(NaN, NaN), end: at(0, NaN) }, text: 'X' }],
  ['a reversed range covers the same text', 'abcdef', { range: { start: at(0, 4), end: at(0, 1) }, text: '-' }],
  ['fractional positions round down', 'abcdef', { range: { start: at(0.7, 1.9), end: at(0, 3.2) }, text: '-' }],
  ['an infinite line means the end', 'abc\ndef', { range: { start: at(0, 1), end: at(Infinity, 0) }, text: '' }],
  ['a lone \\r is a line end', 'ab\rcd\ref', insert(2, 1, 'X')],
  ['a range spanning past the end deletes to the end', 'ab\ncd\nef', { range: { start: at(1, 1), end: at(40, 40) }, text: '' }],
];

describe('edits are applied as the editor applies them', () => {
  for (const [name, text, change] of WILD) {
    it(name, () => assert.equal(applyChange(text, change as never), referenceApply(text, change)));
  }

  it('random wild edits never make the text diverge from the reference', () => {
    const rng = new Prng(1207);
    const pieces = ['\n', '\r', '\r\n', 'x', 'relu()', '😀', ''];
    const coord = () => rng.pick([0, 1, 2, 3, -1, NaN, 1e9, 2.5, Infinity, rng.int(20)]);
    let text = 'model M {\r\n  input(4, 4, 1)\r  relu()\n}\n';
    for (let i = 0; i < 3000; i++) {
      const change: WildChange = { range: { start: at(coord(), coord()), end: at(coord(), coord()) }, text: rng.pick(pieces) + rng.pick(pieces) };
      const expected = referenceApply(text, change);
      text = applyChange(text, change as never);
      assert.equal(text, expected, `edit ${i}: ${JSON.stringify(change)}`);
    }
  });
});

describe('wild edits through the server', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(() => client.stop());

  it('a newline at line 1e9 followed by an ordinary edit neither crashes nor stalls the server', async () => {
    const uri = 'file:///wild-line.stride';
    let text = 'model M {\n  input(8, 8, 1)\n  relu()\n}\n';
    await client.openAndWait(uri, text);
    const edits: WildChange[] = [insert(1e9, 0, '\n'), insert(1, 2, '# note\n'), insert(2e9, 5e9, 'x')];
    edits.forEach((edit, i) => {
      client.change(uri, i + 2, [edit as never]);
      text = referenceApply(text, edit);
    });
    const started = Date.now();
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: at(3, 3) });
    assert.ok(Date.now() - started < 2000);
    assert.equal(client.server.store.text(uri), text);
    assert.ok(hover !== undefined);
  });

  it('several changes in one notification apply one after another, each on the text the previous left', async () => {
    const uri = 'file:///wild-batch.stride';
    let text = 'ab\ncd\n';
    await client.openAndWait(uri, text);
    const batch: WildChange[] = [insert(0, 2, '\r'), insert(0, 99, 'Z'), insert(7, 0, 'end'), { range: { start: at(1, 1), end: at(0, 0) }, text: '' }];
    client.change(uri, 2, batch as never[]);
    for (const c of batch) text = referenceApply(text, c);
    await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(client.server.store.text(uri), text);
  });
});
