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

export function closest(name: string, candidates: Iterable<string>): string | undefined {
  // Underscores and case are noise: `maxPool2D` should find `maxpool2d`.
  const key = name.toLowerCase().replace(/_/g, '');
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const other = c.toLowerCase().replace(/_/g, '');
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
  if (!guess) return undefined;
  return { guess, fix: { title: `${verb} to '${guess}'`, edits: [{ span: at, newText: guess }], preferred: true } };
}

/** The message tail for a suggestion: `; did you mean 'x'?`, else `otherwise`. */
export function didYouMean(s: Suggestion | undefined, otherwise = ''): string {
  return s ? `; did you mean '${s.guess}'?` : otherwise;
}
