// TFRecord framing, as TensorBoard's event files use it: each record is its length, a masked CRC-32C of the length,
// the bytes and a masked CRC-32C of the bytes (tensorflow/core/lib/io/record_writer.cc).

import * as CRC32C from 'crc-32/crc32c';

const MASK_DELTA = 0xa282ead8;

/** CRC-32C (Castagnoli), unsigned. */
export function crc32c(bytes: Uint8Array): number {
  return CRC32C.buf(bytes) >>> 0;
}

/** The "masked" CRC TensorFlow stores, so that CRCs of data holding CRCs stay well distributed. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}

/** One framed record: 8-byte little-endian length, its masked CRC, the data, the data's masked CRC. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}
