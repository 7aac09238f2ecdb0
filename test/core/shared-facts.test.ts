// What a large file's analysis shares or drops to keep fewer objects alive must never change an answer: the parser
// pulls tokens one at a time, argument-less calls share their defaults, equal shapes and parameter counts are shared.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { isLibrarySpan, LIBRARY_BASE, libraryBlocks, libraryFunctions, sourceSlice } from '../../core/model/library';
import { lex } from '../../core/syntax/lexer';
import { parse } from '../../core/syntax/parser';

const plain = (t: { kind: string; text: string; start: number; end: number; newlineBefore: boolean; doc?: string }) => ({
  kind: t.kind,
  text: t.text,
  start: t.start,
  end: t.end,
  newlineBefore: t.newlineBefore,
  doc: t.doc,
});

const MESSY = ['## The model.', 'model M {', '  input(8) # note', '  dense(4, "open', '  relu() @ 3', '  dense(2', '}', 'train M { epochs: 2 }', ''].join('\n');

test('a parse gives the tokens lexing gives, and the lexer diagnostics before the parser ones', () => {
  const parsed = parse(MESSY);
  const lexed = lex(MESSY);
  assert.deepEqual(parsed.tokens.map(plain), lexed.tokens.map(plain));
  assert.equal(parsed.tokens, parsed.tokens, 'lexed once per parse');
  assert.deepEqual(parsed.comments, lexed.comments);
  const codes = parsed.diagnostics.map((d) => d.code);
  assert.deepEqual(
    codes.slice(0, lexed.diagnostics.length),
    lexed.diagnostics.map((d) => d.code),
  );
  assert.ok(codes.includes('unterminated-string') && codes.includes('unexpected-character'), codes.join());
  assert.ok(codes.length > lexed.diagnostics.length, 'the parser reports too');
});

test('a parse at an offset moves every span, comment and diagnostic by it', () => {
  const base = 100_000;
  const at = parse(MESSY, base);
  const zero = parse(MESSY);
  assert.deepEqual(
    at.diagnostics.map((d) => [d.code, d.span.start - base, d.span.end - base]),
    zero.diagnostics.map((d) => [d.code, d.span.start, d.span.end]),
  );
  assert.deepEqual(
    at.comments.map((c) => c.span.start - base),
    zero.comments.map((c) => c.span.start),
  );
  assert.deepEqual(
    at.tokens.map((t) => t.start - base),
    zero.tokens.map((t) => t.start),
  );
  assert.equal(at.file.span.start, base);
});

test('argument-less calls share one frozen set of defaults; a call that writes one gets its own', () => {
  const a = analyze('model M {\n  input(8, 8, 4)\n  batchnorm()\n  batchnorm()\n  batchnorm(momentum: 0.9)\n  batchnorm()\n}\n');
  assert.deepEqual(a.diagnostics, []);
  const [, first, second, written, last] = a.models[0].graph.nodes;
  assert.equal(first.args, second.args);
  assert.equal(first.args, last.args);
  assert.ok(Object.isFrozen(first.args));
  assert.equal(written.args.momentum, 0.9);
  assert.notEqual(first.args.momentum, 0.9);
  assert.ok(written.argSpans.momentum, 'the written argument keeps its place');
});

test('a missing argument is reported at every call, not only the first', () => {
  const a = analyze('model M {\n  input(8)\n  dropout()\n  dropout()\n}\n');
  const missing = a.diagnostics.filter((d) => d.code === 'missing-argument');
  assert.equal(missing.length, 2, a.diagnostics.map((d) => d.message).join('\n'));
  assert.notEqual(missing[0].span.start, missing[1].span.start);
});

test('more distinct layers than the shared tables hold still get their own shapes and counts', () => {
  const n = 5000;
  const lines = ['model M {', '  input(3)'];
  for (let i = 1; i <= n; i++) lines.push(`  dense(${i})`);
  lines.push('}');
  const a = analyze(lines.join('\n') + '\n');
  assert.deepEqual(a.diagnostics, []);
  const layers = a.models[0].layers;
  assert.equal(layers.length, n + 1);
  let expected = 0;
  for (let i = 1; i <= n; i++) {
    const l = layers[i];
    const input = i === 1 ? 3 : i - 1;
    assert.deepEqual(l.shape, [i]);
    assert.equal(l.params.trainable, (input + 1) * i);
    assert.ok(l.params.formula.startsWith(`(${input} + 1)·${i} = `), l.params.formula);
    expected += (input + 1) * i;
  }
  assert.equal(a.models[0].totals.trainable, expected);
  // Equal layers share: the same shape and count objects, however many times they repeat.
  const again = analyze('model M {\n  input(8)\n  dense(8)\n  dense(8)\n  dense(8)\n}\n').models[0].layers;
  assert.equal(again[2].shape, again[3].shape);
  assert.equal(again[2].params, again[3].params);
});

/** Every `start`/`end` pair reachable from `root` (a syntax tree), depth first. */
function spansIn(root: unknown, out: { start: number; end: number }[] = [], seen = new Set<object>()): { start: number; end: number }[] {
  if (root === null || typeof root !== 'object' || seen.has(root)) return out;
  seen.add(root);
  const o = root as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number') out.push(o as { start: number; end: number });
  for (const value of Object.values(o)) spansIn(value, out, seen);
  return out;
}

test('library spans are small integers past any document, and still map back to the library text', () => {
  // V8 keeps integers below 2³⁰ unboxed (a field holding any larger number, anywhere, makes every span's fields boxed
  // doubles), and no string is longer than 2²⁹ − 24 characters, so no document offset reaches the library's.
  assert.ok(LIBRARY_BASE > 2 ** 29 - 24, 'past the end offset of the longest document');
  const spans = [...libraryBlocks().values(), ...libraryFunctions().values()].flatMap((item) => spansIn(item));
  assert.ok(spans.length > 100, `${spans.length} spans`);
  for (const at of spans) {
    assert.ok(Number.isInteger(at.start) && Number.isInteger(at.end) && at.end < 2 ** 30, `${at.start}..${at.end}`);
    assert.ok(isLibrarySpan(at));
  }
  const block = libraryBlocks().values().next().value!;
  assert.match(sourceSlice('', block.span), new RegExp(`^block ${block.name.name}\\(`));
});
