// Hostile image files for the decoder tests and the fuzz tier: PNG and JPEG headers that lie about their size.

import * as zlib from 'node:zlib';
import * as jpeg from 'jpeg-js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A valid-looking PNG (correct CRCs) that declares width × height RGBA pixels but carries almost no data. */
export function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(1))), chunk('IEND', new Uint8Array(0))]);
}

/** A real 8×8 JPEG whose start-of-frame is rewritten to declare width × height. */
export function jpegBomb(width: number, height: number): Buffer {
  const small = Buffer.from(jpeg.encode({ data: Buffer.alloc(8 * 8 * 4, 128), width: 8, height: 8 }, 90).data);
  for (let at = 2; at + 9 < small.length; ) {
    const marker = small[at + 1];
    if (marker === 0xc0 || marker === 0xc2) {
      small.writeUInt16BE(height, at + 5);
      small.writeUInt16BE(width, at + 7);
      return small;
    }
    at += 2 + small.readUInt16BE(at + 2);
  }
  throw new Error('no start-of-frame in the encoded JPEG');
}
