// Layer kinds and arguments tfjs lacks, checked against PyTorch computed at test time (torch_oracle.py).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { caseName, strideFacts, strideSource, type Facts, type OracleCase } from './cases';
import { runTorch } from './torch-runner';
import { torchCases } from './torch-table';

type TorchFacts = Facts | { readonly unconvertible: string };

function check(c: OracleCase, want: TorchFacts): void {
  assert.ok(!('unconvertible' in want), `case has no PyTorch form: ${'unconvertible' in want ? want.unconvertible : ''}`);
  const got = strideFacts(c);
  const context = `\n--- source ---\n${strideSource(c)}--- torch ---\n${JSON.stringify(want)}\n--- stride ---\n${JSON.stringify(got)}`;
  if ('error' in want) {
    assert.ok('error' in got, `PyTorch rejects this configuration but Stride accepts it${context}`);
    return;
  }
  assert.ok(!('error' in got), `Stride rejects a configuration PyTorch accepts${context}`);
  assert.deepEqual(got, want, context);
}

describe('PyTorch oracle', () => {
  const answers = runTorch<TorchFacts[]>([], JSON.stringify(torchCases));
  assert.equal(answers.length, torchCases.length);
  const kinds = new Map<string, number[]>();
  torchCases.forEach((c, i) => kinds.set(c.kind, [...(kinds.get(c.kind) ?? []), i]));
  for (const [kind, indices] of kinds) {
    describe(kind, () => {
      for (const i of indices) test(caseName(torchCases[i]), () => check(torchCases[i], answers[i]));
    });
  }
});
