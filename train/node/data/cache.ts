// Node-only: what the dataset cache holds, and clearing it (only the files Stride downloads, nothing else there).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { PINNED_FILES } from './pinned';

export interface CachedFile {
  readonly path: string;
  readonly bytes: number;
}

/** Files Stride put in the cache: the pinned downloads and the `.partial-*` files of interrupted ones. */
export function cachedFiles(cacheDir: string): CachedFile[] {
  const out: CachedFile[] = [];
  const sets = new Set(Object.keys(PINNED_FILES).map((k) => k.split('/')[0]));
  for (const set of [...sets].sort()) {
    const dir = path.join(cacheDir, set);
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const base = name.replace(/\.partial-\d+-\d+$/, '');
      if (!PINNED_FILES[`${set}/${base}`]) continue;
      const file = path.join(dir, name);
      const stat = fs.lstatSync(file);
      if (stat.isFile()) out.push({ path: file, bytes: stat.size });
    }
  }
  return out;
}

/** Deletes the cached downloads and then the set folders when empty; returns what was removed. */
export function clearCache(cacheDir: string): CachedFile[] {
  const files = cachedFiles(cacheDir);
  for (const f of files) fs.rmSync(f.path, { force: true });
  for (const dir of new Set(files.map((f) => path.dirname(f.path)))) {
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  }
  return files;
}
