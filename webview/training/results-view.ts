// After a completed run: the confusion matrix as a heat map (each row shaded by its share of the true class), the
// per-class scores, and a gallery of the most confidently wrong validation images.

import { GALLERY } from '../../train/results-gallery';
import type { Dataset } from '../../train/data/dataset';
import type { ClassResults } from '../../train/results';
import { sampleCanvas } from './activations';
import { el } from './dom';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
/** Wide matrices stay readable as a table of numbers in results.json; the panel draws up to this many classes. */
const MAX_CLASSES = 40;

function heatMap(r: ClassResults): HTMLElement {
  const head = el('tr', {}, el('th', { text: 'true \\ predicted' }), ...r.classes.map((c) => el('th', { text: c })));
  const rows = r.confusion.map((row, t) => {
    const total = row.reduce((s, v) => s + v, 0);
    const cells = row.map((count, p) => {
      const share = total > 0 ? count / total : 0;
      const td = el('td', { text: String(count), title: `true ${r.classes[t]}, predicted ${r.classes[p]}: ${count} (${pct(share)} of ${r.classes[t]})` });
      td.className = t === p ? 'diag' : 'off';
      // The shade is the row share: a class with few samples shows its confusions as clearly as a large one.
      td.style.setProperty('--share', share.toFixed(3));
      return td;
    });
    return el('tr', {}, el('th', { text: r.classes[t] }), ...cells);
  });
  return el('table', { className: 'confusion', attrs: { id: 'confusion' } }, head, ...rows);
}

function scoreTable(r: ClassResults): HTMLElement {
  const head = el('tr', {}, ...['class', 'precision', 'recall', 'F1', 'accuracy', 'support'].map((h) => el('th', { text: h })));
  const rows = r.perClass.map((c) =>
    el(
      'tr',
      {},
      el('th', { text: c.name }),
      ...[c.precision, c.recall, c.f1, c.accuracy].map((v) => el('td', { text: pct(v) })),
      el('td', { text: String(c.support) }),
    ),
  );
  return el('table', { className: 'scores', attrs: { id: 'class-scores' } }, head, ...rows);
}

function gallery(r: ClassResults, data: Dataset): HTMLElement {
  const [h, w, c] = data.shape;
  const size = h * w * c;
  const scale = data.train.images instanceof Uint8Array ? 1 / 255 : 1;
  const items = r.wrong.slice(0, GALLERY).map((wrong) => {
    const pixels = Float32Array.from(data.train.images.subarray(wrong.index * size, (wrong.index + 1) * size), (v) => v * scale);
    const label = `${r.classes[wrong.label]} as ${r.classes[wrong.predicted]} (${pct(wrong.confidence)})`;
    return el('figure', { className: 'sample' }, sampleCanvas({ label, shape: [h, w, c], pixels }), el('figcaption', { text: label }));
  });
  return el('div', { className: 'wrong', attrs: { id: 'wrong' } }, ...items);
}

/** The results section's content; `data` gives the images of the wrong samples (indices into its training images). */
export function resultsSection(r: ClassResults, data: Dataset): HTMLElement[] {
  const top = r.topK ? `, top-${r.topK.k} ${pct(r.topK.accuracy)}` : '';
  const parts: HTMLElement[] = [el('h2', { text: `Validation results: accuracy ${pct(r.accuracy)}${top} on ${r.samples} samples` })];
  if (r.classes.length <= MAX_CLASSES) parts.push(el('h3', { text: 'Confusion matrix' }), heatMap(r));
  else parts.push(el('div', { className: 'note', text: `${r.classes.length} classes: the confusion matrix is in the run's results.` }));
  parts.push(el('h3', { text: 'Per class' }), scoreTable(r));
  if (r.wrong.length > 0) parts.push(el('h3', { text: 'Most confidently wrong' }), gallery(r, data));
  return parts;
}
