// A small bounded zip reader for `.keras` files: the central directory, stored and deflated entries, nothing else.

import * as zlib from 'node:zlib';
import { ImportError } from '../read';

/** A `.keras` file holds three entries and perhaps a few assets; more means it is something else. */
export const MAX_ZIP_ENTRIES = 256;
/** No entry is inflated past this size, whatever its header says. */
export const MAX_ENTRY_BYTES = 1 << 30;

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly offset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function endOfDirectory(b: Buffer, what: string): number {
  // The record is 22 bytes plus a comment of at most 65535.
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) if (b.readUInt32LE(i) === EOCD) return i;
  throw new ImportError(`${what} is not a zip file (no end of central directory; truncated?)`);
}

function entryAt(b: Buffer, at: number, what: string): { entry: ZipEntry; next: number } {
  if (at + 46 > b.length || b.readUInt32LE(at) !== CENTRAL) throw new ImportError(`${what}: the zip central directory is damaged`);
  const nameLength = b.readUInt16LE(at + 28);
  const next = at + 46 + nameLength + b.readUInt16LE(at + 30) + b.readUInt16LE(at + 32);
  if (next > b.length) throw new ImportError(`${what}: the zip central directory is damaged`);
  const entry = {
    name: b.toString('utf8', at + 46, at + 46 + nameLength),
    flags: b.readUInt16LE(at + 8),
    method: b.readUInt16LE(at + 10),
    crc: b.readUInt32LE(at + 16),
    compressedSize: b.readUInt32LE(at + 20),
    size: b.readUInt32LE(at + 24),
    offset: b.readUInt32LE(at + 42),
  };
  return { entry, next };
}

/** Names that could point outside a folder if extracted are refused: no absolute paths, drive letters or `..`. */
function checkName(name: string, what: string): void {
  if (name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name) || name.split('/').includes('..') || name.includes('\0'))
    throw new ImportError(`${what}: the zip entry name ${JSON.stringify(name)} is not a plain relative path`);
}

/** The entries of a zip file by name, after checking the directory's count, names and declared sizes. */
export function zipEntries(b: Buffer, what: string): Map<string, ZipEntry> {
  const end = endOfDirectory(b, what);
  const count = b.readUInt16LE(end + 10);
  if (count > MAX_ZIP_ENTRIES) throw new ImportError(`${what} has ${count} zip entries, over the limit of ${MAX_ZIP_ENTRIES}`);
  const entries = new Map<string, ZipEntry>();
  let at = b.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const { entry, next } = entryAt(b, at, what);
    checkName(entry.name, what);
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff) throw new ImportError(`${what}: zip64 entries (over 4 GiB) are not read`);
    if (entry.size > MAX_ENTRY_BYTES)
      throw new ImportError(`${what}: the zip entry '${entry.name}' declares ${entry.size} bytes, over the ${MAX_ENTRY_BYTES}-byte limit`);
    entries.set(entry.name, entry);
    at = next;
  }
  return entries;
}

/** The bytes of one entry, inflated at most to its declared size and checked against its CRC. */
export function readEntry(b: Buffer, e: ZipEntry, what: string): Buffer {
  if (e.flags & 1) throw new ImportError(`${what}: the zip entry '${e.name}' is encrypted`);
  if (e.offset + 30 > b.length || b.readUInt32LE(e.offset) !== LOCAL) throw new ImportError(`${what}: the zip entry '${e.name}' is damaged (truncated?)`);
  const start = e.offset + 30 + b.readUInt16LE(e.offset + 26) + b.readUInt16LE(e.offset + 28);
  if (start + e.compressedSize > b.length) throw new ImportError(`${what}: the zip entry '${e.name}' runs past the end of the file (truncated?)`);
  const raw = b.subarray(start, start + e.compressedSize);
  let data: Buffer;
  if (e.method === 0) data = raw;
  else if (e.method === 8) {
    try {
      // One byte more than declared: an entry that inflates past its declared size is refused, not truncated.
      data = zlib.inflateRawSync(raw, { maxOutputLength: e.size + 1 });
    } catch (err) {
      throw new ImportError(`${what}: the zip entry '${e.name}' does not inflate to its declared ${e.size} bytes (${(err as Error).message})`);
    }
  } else throw new ImportError(`${what}: the zip entry '${e.name}' uses compression method ${e.method}; only stored and deflated entries are read`);
  if (data.length !== e.size) throw new ImportError(`${what}: the zip entry '${e.name}' holds ${data.length} bytes, not the declared ${e.size}`);
  if (zlib.crc32(data) !== e.crc) throw new ImportError(`${what}: the zip entry '${e.name}' fails its CRC check`);
  return data;
}
