// Protocol tests: document formatting — canonical layout, idempotence, refusal on syntax errors, examples unchanged.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TextEdit } from 'vscode-languageserver';
import { parse } from '../../core/syntax/parser';
import { formatText } from '../../ide/formatting';
import { applyEdits, TestClient } from './harness';

const MESSY = `## doc
block b(f,s=1){skip=in;conv2d(f,3,stride:s,padding:same)->relu()
add( skip )}
model   M{
input(28,28,1)   # the input


   conv2d( 8 , 3 )x 2
  dense(10,activation:softmax) ; relu()
  reshape(-1, 2*4)
  c = b(f: 8 - 1)
}
train M { data: shapes, optimizer: adam(lr: 1e-3)  epochs: 5; batch:64 }
`;

const CANONICAL = `## doc
block b(f, s = 1) {
  skip = in
  conv2d(f, 3, stride: s, padding: same) -> relu()
  add(skip)
}

model M {
  input(28, 28, 1)  # the input

  conv2d(8, 3) x 2
  dense(10, activation: softmax)
  relu()
  reshape(-1, 2 * 4)
  c = b(f: 8 - 1)
}

train M {
  data: shapes
  optimizer: adam(lr: 1e-3)
  epochs: 5
  batch: 64
}
`;

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');

describe('formatting', () => {
  let client: TestClient;
  let n = 0;
  const format = async (text: string): Promise<TextEdit[]> => {
    const uri = `file:///fmt/${n++}.stride`;
    await client.openAndWait(uri, text);
    return client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
  };
  before(async () => {
    client = await TestClient.start();
  });
  after(() => client.stop());

  it('rewrites a messy file into the canonical layout', async () => {
    const edits = await format(MESSY);
    assert.equal(applyEdits(MESSY, edits), CANONICAL);
  });

  it('is idempotent: formatting canonical text gives no edits', async () => {
    assert.deepEqual(await format(CANONICAL), []);
  });

  it('refuses (no edits) on files with syntax errors', async () => {
    assert.deepEqual(await format('model M {\n  conv2d(8,\n}\n'), []);
    assert.deepEqual(await format('model M {\n  input(28 28 1)\n}\n'), []);
    assert.deepEqual(await format('model M {\n  relu() $\n}\n'), []);
  });

  it('formats despite semantic errors (they are not syntax errors)', async () => {
    const edits = await format('model M {\n  input(28,28,1)\n  nosuchlayer(3)\n}\n');
    assert.equal(applyEdits('model M {\n  input(28,28,1)\n  nosuchlayer(3)\n}\n', edits), 'model M {\n  input(28, 28, 1)\n  nosuchlayer(3)\n}\n');
  });

  it('keeps line breaks inside calls and chains, indented as continuations', () => {
    const text = 'model M {\n  input(8, 8, 1)\n  conv2d(8,\n  3,\n      padding: same)\n  -> relu()\n}\n';
    assert.equal(formatText(text), 'model M {\n  input(8, 8, 1)\n  conv2d(8,\n    3,\n    padding: same)\n    -> relu()\n}\n');
  });

  it('formats every example idempotently without changing a token', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.stride'));
    assert.ok(files.length >= 3);
    for (const f of files) {
      const text = readFileSync(join(EXAMPLES, f), 'utf8');
      if (parse(text).diagnostics.length > 0) {
        assert.equal(formatText(text), undefined, `${f} has syntax errors: refused`);
        continue;
      }
      const once = formatText(text)!;
      assert.equal(formatText(once), once, `${f}: idempotent`);
      const sig = (t: string) =>
        parse(t)
          .tokens.map((x) => x.text)
          .filter((x) => x !== ';' && x !== ',');
      assert.deepEqual(sig(once), sig(text), `${f}: same tokens`);
    }
  });
});
