// Doc comments are untrusted text in hovers: HTML, images and fences are neutralised; the safe subset stays.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { hover } from '../../ide/hover';
import { code, safeDoc } from '../../ide/hover-markdown';

const OPTIONS = { memoryBatchSize: 32 };

test('doc comment HTML is shown as text, remote images become links, fences become text', () => {
  const doc = safeDoc('<img src=x onerror=alert(1)> & ![pixel](https://example.com/t.png)\n```\nunclosed');
  assert.ok(!doc.includes('<img'));
  assert.match(doc, /&lt;img src=x onerror=alert\(1\)&gt; &amp; /);
  assert.match(doc, /\\!\[pixel\]\(https:\/\/example.com\/t.png\)/);
  assert.ok(!/^\s{0,3}```/m.test(doc));
});

test('doc comments keep the safe subset: emphasis, inline code, lists, links', () => {
  const text = '**bold** _it_ `code`\n- item\n[site](https://example.com)';
  assert.equal(safeDoc(text), text);
});

test('an unbalanced fence in a block doc comment does not swallow the rest of the hover', () => {
  const text = '## Residual.\n## ```\nblock b(f) {\n  relu()\n}\nmodel M {\n  input(8, 8, 1)\n  b(4)\n}\n';
  const info = hover(analyze(text), text.indexOf('b(4)'), OPTIONS);
  assert.ok(info);
  const fences = info.markdown.split('\n').filter((l) => /^\s{0,3}(```|~~~)/.test(l));
  assert.equal(fences.length % 2, 0, info.markdown);
  assert.match(info.markdown, /\| Instance/);
});

test('the tensor hover puts its code fence on a line of its own', () => {
  const text = 'model M {\n  input(8, 8, 1)\n  x = relu()\n  flatten()\n}\n';
  const info = hover(analyze(text), text.indexOf('x ='), OPTIONS);
  assert.ok(info);
  for (const line of info.markdown.split('\n')) if (line.includes('```')) assert.match(line, /^```(stride)?$/, info.markdown);
});

test('a code block fence is longer than any backtick run inside it', () => {
  assert.equal(code('a ``` b'), '````stride\na ``` b\n````');
});
