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
