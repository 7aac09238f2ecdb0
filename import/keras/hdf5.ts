// HDF5 through jsfive with the checks it lacks: one clear error for a damaged file, bounded dataset sizes, float32 only.

import * as hdf5 from 'jsfive';
import { ImportError } from '../read';
import type { Tensor } from './types';
import { elementCount } from './weights';

export const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** jsfive throws RangeErrors (or anything) on damaged files; every failure becomes one ImportError. */
function guarded<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ImportError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new ImportError(`${what} is not a readable HDF5 file (${why}; truncated or damaged?)`);
  }
}

export function openH5(bytes: Buffer, what: string): hdf5.File {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(HDF5_MAGIC)) throw new ImportError(`${what} is not an HDF5 file (wrong signature)`);
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  return guarded(what, () => new hdf5.File(copy, what));
}

/** The member `name` of a group, or null; jsfive throws on a missing path, so membership is checked first. */
export function child(g: hdf5.Group, name: string, what: string): hdf5.Group | hdf5.Dataset | null {
  return guarded(what, () => (g.keys.includes(name) ? g.get(name) : null));
}

/** Follows a slash-separated path from `g`; null when any step is missing. */
export function at(g: hdf5.Group, path: string, what: string): hdf5.Group | hdf5.Dataset | null {
  let node: hdf5.Group | hdf5.Dataset | null = g;
  for (const part of path.split('/').filter(Boolean)) {
    if (!(node instanceof hdf5.Group)) return null;
    node = child(node, part, what);
  }
  return node;
}

/** A float32 dataset as a tensor; its shape is checked before jsfive allocates anything for it. */
export function tensorOf(d: hdf5.Group | hdf5.Dataset | null, name: string, what: string): Tensor {
  if (!(d instanceof hdf5.Dataset)) throw new ImportError(`${what}: '${name}' is not a dataset`);
  const shape = guarded(what, () => d.shape);
  const count = elementCount(shape, name, what);
  const dtype = guarded(what, () => d.dtype);
  if (dtype !== '<f4') throw new ImportError(`${what}: weight '${name}' has type ${JSON.stringify(dtype)}; only float32 weights are imported`);
  const value = guarded(what, () => d.value);
  if (value.length !== count) throw new ImportError(`${what}: weight '${name}' holds ${value.length} values, not the ${count} its shape says`);
  return { shape, data: Float32Array.from(value) };
}

/** A string attribute (h5py writes them as str or bytes). */
export function stringAttr(g: hdf5.Group, key: string, what: string): string | null {
  const v = guarded(what, () => g.attrs[key]);
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return null;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (x instanceof Uint8Array ? Buffer.from(x).toString('utf8') : String(x))) : []);

/**
 * A list-of-strings attribute such as `layer_names` or `weight_names`. Keras splits one that would pass HDF5's 64 KiB
 * header limit into `layer_names0`, `layer_names1`, …
 */
export function stringsAttr(g: hdf5.Group, key: string, what: string): string[] {
  const attrs = guarded(what, () => g.attrs);
  if (key in attrs) return strings(attrs[key]);
  const out: string[] = [];
  for (let i = 0; `${key}${i}` in attrs; i++) out.push(...strings(attrs[`${key}${i}`]));
  return out;
}

export { guarded };
