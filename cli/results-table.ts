// The compact per-class table `stride train` prints after a run: accuracy, top-k, precision/recall/F1 per class, the
// confusion matrix (classes beyond 12 are left to results.json) and the most confidently wrong samples.

import type { ClassResults } from '../train/results';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const MAX_MATRIX = 12;

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

export function resultsText(r: ClassResults, file: string): string {
  const head = `Validation results (${r.samples} samples): accuracy ${pct(r.accuracy)}${r.topK ? `, top-${r.topK.k} ${pct(r.topK.accuracy)}` : ''}`;
  const perClass = table([
    ['class', 'precision', 'recall', 'f1', 'accuracy', 'support'],
    ...r.perClass.map((c) => [c.name, pct(c.precision), pct(c.recall), pct(c.f1), pct(c.accuracy), String(c.support)]),
  ]);
  const parts = [head, perClass];
  if (r.classes.length <= MAX_MATRIX) {
    parts.push('Confusion matrix (rows: true class, columns: predicted):');
    parts.push(table([['', ...r.classes], ...r.confusion.map((row, i) => [r.classes[i], ...row.map(String)])]));
  }
  if (r.wrong.length > 0) {
    const shown = r.wrong.slice(0, 5).map((w) => `#${w.index} ${r.classes[w.label]} as ${r.classes[w.predicted]} (${pct(w.confidence)})`);
    parts.push(`Most confidently wrong: ${shown.join(', ')}`);
  }
  parts.push(`Per-class results: ${file} (predictions.csv beside it)`);
  return `${parts.join('\n')}\n`;
}
