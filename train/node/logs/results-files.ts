// results.json and predictions.csv: a finished run's per-class results and the validation predictions they came from,
// so anyone can recompute them (a spreadsheet, pandas, sklearn's confusion_matrix).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { decide } from '../../results';
import type { Evaluation } from '../../evaluate';
import { csvRow } from './csv';

export const RESULTS_JSON = 'results.json';
export const PREDICTIONS_CSV = 'predictions.csv';

/** Writes both files into the run folder; returns their paths. */
export function writeResults(outDir: string, e: Evaluation): { results: string; predictions: string } {
  const results = path.join(outDir, RESULTS_JSON);
  fs.writeFileSync(results, `${JSON.stringify(e.results, null, 1)}\n`);
  const p = e.predictions;
  const classes = e.results.classes;
  const scoreNames = p.units === 1 ? ['score'] : classes.slice(0, p.units).map((c) => `p_${c}`);
  const lines = [csvRow(['index', 'label', 'predicted', 'confidence', ...scoreNames])];
  for (let row = 0; row < p.labels.length; row++) {
    const { predicted, confidence } = decide(p, row);
    lines.push(csvRow([p.indices[row], classes[p.labels[row]], classes[predicted], confidence, ...p.scores.subarray(row * p.units, (row + 1) * p.units)]));
  }
  const predictions = path.join(outDir, PREDICTIONS_CSV);
  fs.writeFileSync(predictions, lines.join(''));
  return { results, predictions };
}
