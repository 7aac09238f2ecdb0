// "Did you mean …?": the closest candidate by edit distance, if it is close enough to be a typo, and its quick fix.

import type { Fix } from '../diagnostics';
import type { Span } from '../syntax/span';

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** Underscores and case are noise: `maxPool2D` should find `maxpool2d`. */
const normalize = (name: string) => name.toLowerCase().replace(/_/g, '');

/**
 * Candidates' normal forms, kept across calls: a model with a thousand tensors and a thousand misspelt references asks
 * for every candidate's form a thousand times. Bounded, so a long-running server does not keep every name it saw.
 */
const normalForms = new Map<string, string>();

function normalForm(name: string): string {
  let form = normalForms.get(name);
  if (form === undefined) {
    if (normalForms.size >= 65_536) normalForms.clear();
    normalForms.set(name, (form = normalize(name)));
  }
  return form;
}

/** The candidate closest to `name` in any of the lists, if close enough to be a typo. */
export function closest(name: string, ...lists: Iterable<string>[]): string | undefined {
  const key = normalize(name);
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidates of lists)
    for (const c of candidates) {
      const other = normalForm(c);
      // The length difference is a lower bound of the distance: skip hopeless candidates without the O(n·m) table.
      const gap = Math.abs(other.length - key.length);
      if (gap > limit || gap >= bestScore) continue;
      const score = editDistance(key, other);
      if (score < bestScore) {
        best = c;
        bestScore = score;
      }
    }
  return best !== undefined && bestScore <= limit ? best : undefined;
}

/** A did-you-mean: the closest candidate and the quick fix that writes it over the misspelt name. */
export interface Suggestion {
  readonly guess: string;
  readonly fix: Fix;
}

/** The did-you-mean for `name` written at `at`, or undefined when no candidate is close enough to be a typo. */
export function suggest(name: string, candidates: Iterable<string>, at: Span, verb: 'Change' | 'Rename' = 'Change'): Suggestion | undefined {
  const guess = closest(name, candidates);
  return guess ? suggestion(guess, at, verb) : undefined;
}

/** The did-you-mean that writes `guess` over the name at `at`. */
export function suggestion(guess: string, at: Span, verb: 'Change' | 'Rename' = 'Change'): Suggestion {
  return { guess, fix: { title: `${verb} to '${guess}'`, edits: [{ span: at, newText: guess }], preferred: true } };
}

/** The message tail for a suggestion: `; did you mean 'x'?`, else `otherwise`. */
export function didYouMean(s: Suggestion | undefined, otherwise = ''): string {
  return s ? `; did you mean '${s.guess}'?` : otherwise;
}
