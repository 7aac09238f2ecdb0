// Line breaks: the lexer ends lines where an editor does (`\n`, `\r\n` and a lone `\r`), so parse results agree.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { lex } from '../../core/syntax/lexer';

const MODEL = ['## A doc comment.', 'model M {', '  input(8)', '  dense(4)  # a comment', '}', ''];

/** Everything about an analysis that must not depend on the line-break style: codes, models, layers, docs. */
function outline(text: string): unknown {
  const a = analyze(text);
  return {
    diagnostics: a.diagnostics.map((d) => d.code),
    models: a.models.map((m) => ({ name: m.graph.name, doc: m.graph.doc, layers: m.graph.nodes.map((n) => n.kind) })),
  };
}

test('a lone \\r starts a new line for the parser, as \\n and \\r\\n do', () => {
  const tokens = lex('input(8)\rdense(4)').tokens;
  assert.equal(tokens.find((t) => t.text === 'dense')?.newlineBefore, true);
  assert.equal(lex('input(8)\r\ndense(4)').tokens.find((t) => t.text === 'dense')?.newlineBefore, true);
});

test('the same model written with \\n, \\r\\n or lone \\r analyses the same', () => {
  const lf = outline(MODEL.join('\n'));
  assert.deepEqual(outline(MODEL.join('\r\n')), lf);
  assert.deepEqual(outline(MODEL.join('\r')), lf);
  assert.deepEqual((lf as { diagnostics: string[] }).diagnostics, []);
});

test('comments and unterminated strings end at a lone \\r; a blank line still detaches a doc comment', () => {
  const lexed = lex('# note\rmodel');
  assert.equal(lexed.comments[0].span.end, 6);
  assert.equal(lexed.tokens[0].text, 'model');
  const unterminated = lex('"abc\rmodel');
  assert.equal(unterminated.diagnostics[0].code, 'unterminated-string');
  assert.equal(unterminated.tokens[1].text, 'model');
  assert.equal(lex('## doc\r\rmodel').tokens[0].doc, undefined);
  assert.equal(lex('## doc\r\n\r\nmodel').tokens[0].doc, undefined);
  assert.equal(lex('## doc\rmodel').tokens[0].doc, 'doc');
});
