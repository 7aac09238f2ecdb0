// A summary as the extension receives it: the real language server's `stride/summary` answer for a workspace file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { SUMMARY_METHOD, type SummaryResult } from '../../protocol/lsp-ext';
import { ROOT } from '../helpers/fixtures';
import { TestClient } from '../server/harness';

export const SMALL_URI = 'file:///ws/small.stride';
export const SMALL = fs.readFileSync(path.join(ROOT, 'test', 'e2e', 'workspace', 'small.stride'), 'utf8');

/** Opens `text` in an in-process server and asks for its summary. */
export async function serverSummary(text = SMALL, model?: string): Promise<SummaryResult> {
  const client = await TestClient.start();
  try {
    await client.openAndWait(SMALL_URI, text);
    const result = await client.request<SummaryResult | null>(SUMMARY_METHOD, { uri: SMALL_URI, model });
    if (!result) throw new Error('the server gave no summary');
    return result;
  } finally {
    await client.stop();
  }
}
