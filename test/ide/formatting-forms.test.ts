// The formatter on value functions, if statements and the new operators: one canonical layout, reached in one pass.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { formatText } from '../../ide/formatting';

const MESSY = `## Rounds to a multiple.
fn   make_even( v,divisor=2 ){n=max(divisor,int(v+divisor/2)//divisor*divisor) ; n+divisor if n<0.9*v else n}
block unit(c,stride){
skip=in
if stride==1 and not c%2!=0{conv2d(c,3,padding:same)
add(skip)}
else if stride>=2{conv2d(make_even(c*-1*-1),3,stride:stride)}else{
  if c<=-1 or c>100 { relu() }
dense(c//2 if c>-3 else -c)}
}
model M{
input(8,8,4)
unit(4,1)}
`;

const CANONICAL = `## Rounds to a multiple.
fn make_even(v, divisor = 2) {
  n = max(divisor, int(v + divisor / 2) // divisor * divisor)
  n + divisor if n < 0.9 * v else n
}

block unit(c, stride) {
  skip = in
  if stride == 1 and not c % 2 != 0 {
    conv2d(c, 3, padding: same)
    add(skip)
  } else if stride >= 2 {
    conv2d(make_even(c * -1 * -1), 3, stride: stride)
  } else {
    if c <= -1 or c > 100 {
      relu()
    }
    dense(c // 2 if c > -3 else -c)
  }
}

model M {
  input(8, 8, 4)
  unit(4, 1)
}
`;

test('functions, if statements and the new operators format to the canonical layout', () => {
  assert.deepEqual(analyze(MESSY).parse.diagnostics, []);
  assert.equal(formatText(MESSY), CANONICAL);
});

test('formatting the new forms is idempotent and keeps the meaning', () => {
  assert.equal(formatText(CANONICAL), CANONICAL);
  const before = analyze(MESSY).models[0].layers.map((l) => `${l.node.name} ${JSON.stringify(l.shape)}`);
  const after = analyze(CANONICAL).models[0].layers.map((l) => `${l.node.name} ${JSON.stringify(l.shape)}`);
  assert.deepEqual(after, before);
});

test('an else on the line after the closing brace joins it; comments between stay', () => {
  const text = 'model M {\n  input(4)\n  if 1 > 2 {\n    relu()\n  }\n  else {\n    tanh()\n  }\n}\n';
  assert.equal(formatText(text), 'model M {\n  input(4)\n  if 1 > 2 {\n    relu()\n  } else {\n    tanh()\n  }\n}\n');
  const commented = 'model M {\n  input(4)\n  if 1 > 2 {\n    relu()\n  }\n  # otherwise\n  else {\n    tanh()\n  }\n}\n';
  const formatted = formatText(commented);
  assert.ok(formatted?.includes('# otherwise'));
  assert.equal(formatText(formatted!), formatted);
});
