// Picks a layer's tensors out of a file's named weights (tfjs manifests, legacy Keras HDF5), in `getWeights()` order.

import { ImportError } from '../read';
import type { KLayer, Tensor } from './types';

/** Larger weight sets are refused before they are read: the whole set is held in memory. */
export const MAX_WEIGHT_BYTES = 1 << 30;

/** `conv2d/kernel:0` or `lstm/lstm_cell/kernel` → `kernel`: the name a weight has inside its layer. */
export const shortName = (full: string): string => (full.split('/').pop() ?? full).replace(/:\d+$/, '');

/**
 * The tensors named `names` (each `a|b` accepts either) among `named`, whose keys are full weight names. A weight
 * belongs to the layer when its name is the layer's name, a slash, and (after any scopes) the short name.
 */
export function pickNamed(l: KLayer, names: readonly string[], named: ReadonlyMap<string, Tensor>, what: string): Tensor[] | null {
  const own = [...named.keys()].filter((k) => k.startsWith(`${l.name}/`));
  if (own.length === 0) return null;
  return names.map((n) => {
    const options = n.split('|');
    const exact = options.map((o) => `${l.name}/${o}`).find((k) => named.has(k));
    const key = exact ?? own.find((k) => options.includes(shortName(k)));
    if (key === undefined) throw new ImportError(`${what}: ${l.cls} layer '${l.name}' has no '${options.join("' or '")}' weight`);
    return named.get(key) as Tensor;
  });
}

/** The element count of a shape, refusing negative, fractional or absurd dimensions before anything is allocated. */
export function elementCount(shape: readonly unknown[], name: string, what: string): number {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0)
      throw new ImportError(`${what}: weight '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    n *= d;
  }
  if (n * 4 > MAX_WEIGHT_BYTES) throw new ImportError(`${what}: weight '${name}' of shape (${shape.join(', ')}) is over the ${MAX_WEIGHT_BYTES}-byte limit`);
  return n;
}
