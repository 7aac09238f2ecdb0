// Pinned checksums for the loopback server's fixtures: the table the real downloads use, computed for test files.

import * as crypto from 'node:crypto';
import type { PinnedFile } from '../../train/node/data/node-io';

/** Pins every file served under `prefix/` as `set/<file>`, with limits a little above the fixture sizes. */
export function pinsFor(set: string, prefix: string, files: ReadonlyMap<string, Uint8Array>, maxUnpackedBytes = 16 * 1024 * 1024): Record<string, PinnedFile> {
  const out: Record<string, PinnedFile> = {};
  for (const [url, body] of files) {
    if (!url.startsWith(`${prefix}/`)) continue;
    out[`${set}/${url.slice(prefix.length + 1)}`] = {
      sha256: crypto.createHash('sha256').update(body).digest('hex'),
      maxBytes: body.length + 1024,
      maxUnpackedBytes,
    };
  }
  return out;
}
