// Locates test fixtures and examples in the source tree from the compiled test files.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** Repository root: compiled tests live in out/test/<folder>/. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const EXAMPLES = path.join(ROOT, 'examples');

/** `.stride` files of a folder, sorted so test order is stable. */
export function strideFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.stride'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Golden-file comparison; with UPDATE_GOLDEN=1 the golden is (re)written instead. */
export function checkGolden(goldenPath: string, actual: string): { ok: true } | { ok: false; expected: string } {
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.writeFileSync(goldenPath, actual);
    return { ok: true };
  }
  if (!fs.existsSync(goldenPath)) return { ok: false, expected: `(missing ${path.relative(ROOT, goldenPath)}; run with UPDATE_GOLDEN=1)` };
  const expected = fs.readFileSync(goldenPath, 'utf8');
  return expected === actual ? { ok: true } : { ok: false, expected };
}
