// NumPy's .npz: a zip (stored, not deflated) of .npy files, each a small header then little-endian float32 data.

import { crc32 } from 'node:zlib';

/** One array: its name in the archive (without `.npy`), its shape and its values. */
export interface NpyArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The .npy bytes of one float32 array (format version 1.0, C order). */
export function npyBytes(shape: readonly number[], data: Float32Array): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // Magic (6) + version (2) + length (2) + header must be a multiple of 64, the header ending in a newline.
  header = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** A zip archive of `files`, stored without compression (what `np.savez` writes too). */
export function zipStored(files: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const file of files) {
    const name = new TextEncoder().encode(file.name);
    const crc = crc32(file.data);
    const local = header(0x04034b50, 30, name, crc, file.data.length);
    parts.push(local, file.data);
    central.push(centralEntry(name, crc, file.data.length, offset));
    offset += local.length + file.data.length;
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, files.length, true);
  v.setUint16(10, files.length, true);
  v.setUint32(12, dirSize, true);
  v.setUint32(16, offset, true);
  return concat([...parts, ...central, end]);
}

/** A local file header (or the common part of a central one): version 2.0, no flags, stored, no time. */
function header(signature: number, size: number, name: Uint8Array, crc: number, length: number): Uint8Array {
  const out = new Uint8Array(size + name.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, signature, true);
  v.setUint16(4, 20, true);
  v.setUint32(14, crc, true);
  v.setUint32(18, length, true);
  v.setUint32(22, length, true);
  v.setUint16(26, name.length, true);
  out.set(name, size);
  return out;
}

function centralEntry(name: Uint8Array, crc: number, length: number, offset: number): Uint8Array {
  const out = new Uint8Array(46 + name.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x02014b50, true);
  v.setUint16(4, 20, true);
  v.setUint16(6, 20, true);
  v.setUint32(16, crc, true);
  v.setUint32(20, length, true);
  v.setUint32(24, length, true);
  v.setUint16(28, name.length, true);
  v.setUint32(42, offset, true);
  out.set(name, 46);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An .npz archive of float32 arrays, read back by `numpy.load(path)[name]`. */
export function npz(arrays: readonly NpyArray[]): Uint8Array {
  return zipStored(arrays.map((a) => ({ name: `${a.name}.npy`, data: npyBytes(a.shape, a.data) })));
}
