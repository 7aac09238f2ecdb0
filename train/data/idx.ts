// Parser for the IDX format of MNIST and Fashion-MNIST (already decompressed bytes in, typed arrays out).

export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** IDX: two zero bytes, a type byte (0x08 = unsigned byte), a rank byte, big-endian uint32 dims, then the data. */
export function parseIdx(bytes: Uint8Array, what: string): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${what} is not an IDX file (bad magic number).`);
  if (bytes[2] !== 0x08) throw new Error(`${what}: only unsigned-byte IDX data (type 0x08) is supported, found type 0x${bytes[2].toString(16)}.`);
  const rank = bytes[3];
  const header = 4 + 4 * rank;
  if (rank === 0 || bytes.length < header) throw new Error(`${what}: truncated IDX header.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - header !== size) {
    throw new Error(`${what}: IDX header promises ${size} values (${dims.join('×')}) but the file holds ${bytes.length - header}.`);
  }
  return { dims, data: bytes.subarray(header) };
}

/** Writes an IDX file: the inverse of `parseIdx`, for fixtures and exports. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
