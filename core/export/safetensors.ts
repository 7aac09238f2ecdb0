// The safetensors file format, written by hand: an 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the tensors' raw little-endian bytes, back to back.

import type { StateTensor } from './pytorch-weights';

const BYTES = { F32: 4, I64: 8 } as const;

/** UTF-8 bytes of a string (core has no TextEncoder). */
function utf8(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

/**
 * One safetensors file holding `tensors` in the given order, with string `metadata` under `__metadata__`. The header
 * is padded with spaces to a multiple of 8 bytes, as the reference writer does, so every tensor starts aligned.
 */
export function encodeSafetensors(tensors: readonly StateTensor[], metadata: Readonly<Record<string, string>>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const size = t.data.length * BYTES[t.dtype];
    header[t.key] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = utf8(JSON.stringify(header));
  while (json.length % 8 !== 0) json.push(0x20);
  const bytes = new Uint8Array(8 + json.length + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    if (t.dtype === 'I64') for (const v of t.data as BigInt64Array) view.setBigInt64((at += 8) - 8, v, true);
    else for (const v of t.data as Float32Array) view.setFloat32((at += 4) - 4, v, true);
  }
  return bytes;
}

/** A string from UTF-8 bytes (core has no TextDecoder); the header is JSON, so invalid bytes only garble names. */
function fromUtf8(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const n = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    let c = n === 1 ? b : b & (0xff >> (n + 1));
    for (let k = 1; k < n; k++) c = (c << 6) | (bytes[i + k] & 63);
    out += String.fromCodePoint(c);
    i += n;
  }
  return out;
}

/** The tensors and metadata of a safetensors file (F32 and I64 tensors; other dtypes are an error naming them). */
export function decodeSafetensors(bytes: Uint8Array): { tensors: Map<string, StateTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new Error('not a safetensors file: shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = Number(view.getBigUint64(0, true));
  if (8 + size > bytes.length) throw new Error(`not a safetensors file: its header claims ${size} bytes, the file has ${bytes.length}`);
  const header = JSON.parse(fromUtf8(bytes.subarray(8, 8 + size))) as Record<string, unknown>;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = new Map<string, StateTensor>();
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    const spec = value as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (spec.dtype !== 'F32' && spec.dtype !== 'I64') throw new Error(`'${key}' is ${spec.dtype}; Stride reads F32 and I64 tensors`);
    const [start, end] = spec.data_offsets;
    const count = (end - start) / BYTES[spec.dtype];
    const at = 8 + size + start;
    if (at + (end - start) > bytes.length || count !== spec.shape.reduce((a, b) => a * b, 1)) throw new Error(`'${key}' does not fit its shape or the file`);
    const data =
      spec.dtype === 'F32'
        ? Float32Array.from({ length: count }, (_, i) => view.getFloat32(at + 4 * i, true))
        : BigInt64Array.from({ length: count }, (_, i) => view.getBigInt64(at + 8 * i, true));
    tensors.set(key, { key, shape: spec.shape, dtype: spec.dtype, data });
  }
  return { tensors, metadata };
}
