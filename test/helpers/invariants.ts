// Checks every analysis must satisfy on any text: valid spans, and never two syntax errors on one token.

import type { Analysis } from '../../core/analyze';
import type { Diagnostic } from '../../core/diagnostics';
import type { Token } from '../../core/syntax/lexer';
import type { Span } from '../../core/syntax/span';

function spanProblem(s: Span, length: number, what: string): string | undefined {
  const ok = Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= length;
  return ok ? undefined : `${what} has invalid span ${JSON.stringify(s)} (text length ${length})`;
}

/** Every diagnostic, related location and fix edit lies inside the text; returns the problems found. */
export function spanProblems(diagnostics: readonly Diagnostic[], length: number): string[] {
  const problems: (string | undefined)[] = [];
  for (const d of diagnostics) {
    problems.push(spanProblem(d.span, length, `${d.code} diagnostic`));
    for (const r of d.related ?? []) problems.push(spanProblem(r.span, length, `${d.code} related location`));
    for (const f of d.fixes ?? []) for (const e of f.edits) problems.push(spanProblem(e.span, length, `${d.code} fix '${f.title}'`));
  }
  return problems.filter((p): p is string => p !== undefined);
}

/** Tokens that carry more than one lexer/parser diagnostic (each diagnostic is placed on the token containing its start). */
export function tokensWithTwoErrors(tokens: readonly Token[], diagnostics: readonly Diagnostic[]): string[] {
  const counts = new Map<number, number>();
  for (const d of diagnostics) {
    const t = tokenAt(tokens, d.span.start);
    if (t >= 0) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1).map(([t]) => `token ${JSON.stringify(tokens[t].text)} at ${tokens[t].span.start} has ${counts.get(t)} errors`);
}

/** Index of the token whose span contains `offset` (binary search; tokens are sorted and disjoint). */
function tokenAt(tokens: readonly Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = tokens[mid].span;
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** All invariants of one analysis, as a list of problems (empty when fine). */
export function analysisProblems(a: Analysis): string[] {
  const syntax = a.parse.diagnostics;
  return [...spanProblems(a.diagnostics, a.text.length), ...tokensWithTwoErrors(a.parse.tokens, syntax)];
}
