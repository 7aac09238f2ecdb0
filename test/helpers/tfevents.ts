// A reader of TensorBoard event files written from the format's description alone (TFRecord framing with masked
// CRC-32C, `Event`/`Summary` protobuf messages), independent of the writer: its CRC is computed bit by bit here.

import { Reader } from 'protobufjs/minimal';

export interface ReadEvent {
  readonly wallTime: number;
  readonly step: number;
  readonly fileVersion?: string;
  readonly scalars: Record<string, number>;
}

/** CRC-32C bit by bit (reflected polynomial 0x82F63B78), slow and obviously right. */
export function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const masked = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) % 2 ** 32;

/** Splits a file into its records, checking both CRCs of each; throws on any damage. */
export function readRecords(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (at + 12 > bytes.length) throw new Error(`truncated header at byte ${at}`);
    const length = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== masked(crc32cBitwise(bytes.subarray(at, at + 8)))) throw new Error(`bad length CRC at byte ${at}`);
    const data = bytes.subarray(at + 12, at + 12 + length);
    if (data.length !== length || at + 16 + length > bytes.length) throw new Error(`truncated record at byte ${at}`);
    if (view.getUint32(at + 12 + length, true) !== masked(crc32cBitwise(data))) throw new Error(`bad data CRC at byte ${at}`);
    records.push(data);
    at += 16 + length;
  }
  return records;
}

function readSummary(r: Reader, end: number, scalars: Record<string, number>): void {
  while (r.pos < end) {
    const key = r.uint32();
    if (key >>> 3 !== 1) {
      r.skipType(key & 7);
      continue;
    }
    const valueEnd = r.uint32() + r.pos;
    let tag = '';
    let value = NaN;
    while (r.pos < valueEnd) {
      const k = r.uint32();
      if (k === ((1 << 3) | 2)) tag = r.string();
      else if (k === ((2 << 3) | 5)) value = r.float();
      else r.skipType(k & 7);
    }
    scalars[tag] = value;
  }
}

/** Decodes one `Event`: wall_time (1), step (2), file_version (3), summary (5) with simple_value scalars. */
export function readEvent(data: Uint8Array): ReadEvent {
  const r = Reader.create(data);
  let wallTime = NaN;
  let step = 0;
  let fileVersion: string | undefined;
  const scalars: Record<string, number> = {};
  while (r.pos < r.len) {
    const key = r.uint32();
    const field = key >>> 3;
    if (field === 1) wallTime = r.double();
    else if (field === 2) {
      const v = r.int64();
      step = typeof v === 'number' ? v : (v.low >>> 0) + v.high * 2 ** 32;
    } else if (field === 3) fileVersion = r.string();
    else if (field === 5) readSummary(r, r.uint32() + r.pos, scalars);
    else r.skipType(key & 7);
  }
  return { wallTime, step, fileVersion, scalars };
}

export function readEventFile(bytes: Uint8Array): ReadEvent[] {
  return readRecords(bytes).map(readEvent);
}
