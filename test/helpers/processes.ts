// Child processes of a process, read from Linux's /proc (tests that check what a process started).

import { readFileSync } from 'node:fs';

/** The pids of `pid`'s children (Linux only). */
export function childPids(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
}
