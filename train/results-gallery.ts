// A run's per-class results with the images of its wrong samples attached, for a panel that has no copy of the data
// (background runs): the wrong samples are renumbered into the gallery they travel with.

import type { RunResults } from '../protocol/run-results';
import { sampleSize, type Dataset } from './data/dataset';
import type { ClassResults } from './results';

/** The panel shows at most this many wrong samples, so no more travel. */
export const GALLERY = 12;

export function withGallery(r: ClassResults, data: Dataset): RunResults {
  const wrong = r.wrong.slice(0, GALLERY);
  const size = sampleSize(data);
  const pixels = new Uint8Array(wrong.length * size);
  const scale = data.train.images instanceof Uint8Array ? 1 : 255;
  wrong.forEach((w, i) => {
    const src = data.train.images.subarray(w.index * size, (w.index + 1) * size);
    for (let k = 0; k < size; k++) pixels[i * size + k] = Math.max(0, Math.min(255, Math.round(src[k] * scale)));
  });
  return { ...r, wrong: wrong.map((w, i) => ({ ...w, index: i })), gallery: { shape: data.shape, pixels } };
}
