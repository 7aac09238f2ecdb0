// Examples at a small input size for export tests: the layers are the same, and 224² on the pure-JS backend is slow.

import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The example's text with 64² images and 20-token texts. */
export function smallExample(example: string): string {
  const text = fs.readFileSync(path.join(ROOT, 'examples', `${example}.stride`), 'utf8');
  return text.replace(/input\(224, 224, 3\)/, 'input(64, 64, 3)').replace(/input\(200\)/, 'input(20)');
}
