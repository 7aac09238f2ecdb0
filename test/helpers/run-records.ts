// The records of a run folder's metrics.jsonl, for tests of what `stride train` wrote.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** One record: its `event` and the fields that event carries (tests read them as they need). */
export type RunRecord = { readonly event: string } & Record<string, any>;

/** Every record of `RUN/metrics.jsonl`, in order; `event` filters them ('start', 'epoch', 'end'). */
export function runRecords(run: string, event?: string): RunRecord[] {
  const records = fs
    .readFileSync(path.join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunRecord);
  return event === undefined ? records : records.filter((r) => r.event === event);
}
