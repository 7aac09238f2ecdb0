// Parser fixtures: ok/ files parse cleanly, err/ files recover; both match golden tree + diagnostics dumps.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse, type ParseResult } from '../../core/syntax/parser';
import { LineIndex } from '../../ide/line-index';
import { checkGolden, FIXTURES, strideFiles } from '../helpers/fixtures';
import { spanProblems, tokensWithTwoErrors } from '../helpers/invariants';
import { dumpDiagnostics, dumpTree } from '../helpers/tree-dump';

const OK = path.join(FIXTURES, 'parser', 'ok');
const ERR = path.join(FIXTURES, 'parser', 'err');

function golden(file: string): ParseResult {
  const text = fs.readFileSync(file, 'utf8');
  const result = parse(text);
  const actual = `${dumpTree(result.file, text)}--- diagnostics\n${dumpDiagnostics(result.diagnostics, text)}`;
  const check = checkGolden(file.replace(/\.stride$/, '.golden.txt'), actual);
  if (!check.ok) assert.equal(actual, check.expected, `${path.basename(file)} differs from its golden file (UPDATE_GOLDEN=1 regenerates it)`);
  assert.deepEqual(spanProblems(result.diagnostics, text.length), []);
  assert.deepEqual(tokensWithTwoErrors(result.tokens, result.diagnostics), [], 'never two errors on one token');
  return result;
}

for (const file of strideFiles(OK)) {
  test(`parser ok/${path.basename(file)}`, () => {
    const result = golden(file);
    assert.deepEqual(result.diagnostics, []);
  });
}

for (const file of strideFiles(ERR)) {
  test(`parser err/${path.basename(file)}`, () => {
    const result = golden(file);
    assert.ok(result.diagnostics.length > 0, 'an err/ fixture must produce diagnostics');
  });
}

/** Items of a fixture as `kind name` strings, to check what recovery kept. */
function items(name: string): { result: ParseResult; text: string; list: string[] } {
  const text = fs.readFileSync(path.join(ERR, name), 'utf8');
  const result = parse(text);
  const list = result.file.items.map((i) => `${i.kind} ${i.kind === 'train' ? i.model.name : i.name.name}`);
  return { result, text, list };
}

test('an unclosed { is reported with a related "opened here" location, and the next item still parses', () => {
  const { result, text, list } = items('unclosed-brace.stride');
  assert.deepEqual(list, ['block basic', 'model M']);
  const unclosed = result.diagnostics.filter((d) => d.code === 'unclosed-bracket');
  assert.equal(unclosed.length, 2);
  const index = new LineIndex(text);
  const opened = unclosed.map((d) => d.related?.map((r) => `${index.position(r.span.start).line}:${text.slice(r.span.start, r.span.end)}`));
  assert.deepEqual(opened, [['0:{'], ['4:{']]);
});

test('a missing ) ends at the line break; the following lines are still statements', () => {
  const { result } = items('missing-paren.stride');
  const model = result.file.items[0];
  assert.equal(model.kind, 'model');
  assert.equal(model.kind === 'model' && model.body.length, 4);
  assert.deepEqual(
    result.diagnostics.map((d) => d.code),
    ['unclosed-bracket', 'unclosed-bracket'],
  );
});

test('garbage between statements is one error per line, and the statements around it are kept', () => {
  const { result } = items('garbage-statements.stride');
  const model = result.file.items[0];
  const calls =
    model.kind === 'model' ? model.body.map((s) => (s.kind === 'statement' && s.chain[0].kind === 'layer' ? s.chain[0].call.callee.name : '?')) : [];
  assert.deepEqual(calls, ['input', 'dense', 'relu', 'dense']);
  assert.equal(result.diagnostics.length, 4);
});

test('an item keyword inside an unclosed body starts the next item', () => {
  assert.deepEqual(items('keyword-in-body.stride').list, ['model A', 'model B', 'train B', 'block c']);
});

test('garbage between items is one error per run, and the items around it survive', () => {
  const { result, list } = items('garbage-between.stride');
  assert.deepEqual(list, ['model A', 'model B', 'train A']);
  assert.deepEqual(
    result.diagnostics.filter((d) => d.code !== 'unexpected-character').map((d) => d.code),
    ['syntax-error', 'syntax-error'],
  );
});

test('a bad name on an item header is one error, and the body is kept', () => {
  const { result } = items('bad-names.stride');
  const bodies = result.file.items.map((i) => (i.kind === 'train' || i.kind === 'fn' ? -1 : i.body.length));
  assert.deepEqual(bodies, [1, 1, 1]);
  assert.equal(result.diagnostics.length, 3);
});

test('nesting beyond the depth limit is one error per expression, and the lines after it still parse', () => {
  const { result } = items('deep-nesting.stride');
  // Line 2 nests too deep but is balanced; line 4 nests too deep and never closes its list.
  assert.deepEqual(
    result.diagnostics.map((d) => d.code),
    ['syntax-error', 'syntax-error', 'unclosed-bracket'],
  );
  // Lists may span lines, so the unclosed one takes in the `relu()` below it; the model itself still closes.
  const model = result.file.items[0];
  assert.equal(model.kind === 'model' && model.body.length, 3);
  assert.equal(model.span.end, result.file.span.end - 1);
});
