// Node-only: which folders are Stride's to replace (a marker file, or only files Stride writes), and stale temp cleanup.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** Written into every weights folder Stride saves; its presence means the folder may be replaced by the next save. */
export const WEIGHTS_MARKER = '.stride-weights';
/** Written into every run folder `stride train` uses (metrics.jsonl and weights/ live there). */
export const RUN_MARKER = '.stride-run';

/** A folder Stride refuses to write into or replace; the message names it and says what to do. */
export class NotStrideFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotStrideFolderError';
  }
}

/** The files a weights folder holds when Stride wrote it (folders saved before the marker existed count as Stride's). */
const WEIGHTS_FILES = new Set([WEIGHTS_MARKER, 'model.json', 'weights.bin', 'checkpoint.json', 'optimizer.bin']);
/** What a run folder holds when Stride wrote it. */
const RUN_ENTRY =
  /^(\.stride-run|metrics\.jsonl|metrics\.csv|results\.json|predictions\.csv|torch|weights|weights\.previous|\.weights\.tmp-.*|best|best\.previous|\.best\.tmp-.*|checkpoint|checkpoint\.previous|\.checkpoint\.tmp-.*)$/;

/** The marker's content: what wrote the folder, so a person finding it knows. */
export function markerBytes(kind: 'weights' | 'run'): Uint8Array {
  return Buffer.from(`${JSON.stringify({ writtenBy: 'Stride', kind, note: 'Stride may replace this folder when it saves again.' })}\n`);
}

/** An empty path resolves to the current folder, which is never what a user meant (an unset shell variable). */
export function checkPathGiven(dir: string, what: string): void {
  if (dir.trim() === '') throw new NotStrideFolderError(`The ${what} folder is an empty path; give a folder name.`);
}

/** Throws unless `dir` is missing, empty, or holds only what Stride writes into a weights folder. */
export function checkWeightsFolderOwned(dir: string): void {
  checkOwned(dir, (names) => names.includes(WEIGHTS_MARKER) || names.every((n) => WEIGHTS_FILES.has(n)), 'weights');
}

/** Throws unless `dir` is missing, empty, or a Stride run folder; then creates it with its marker. */
export function prepareRunFolder(dir: string): void {
  checkPathGiven(dir, 'output');
  checkOwned(dir, (names) => names.includes(RUN_MARKER) || names.every((n) => RUN_ENTRY.test(n)), 'run');
  fs.mkdirSync(dir, { recursive: true });
  const marker = path.join(dir, RUN_MARKER);
  if (!fs.existsSync(marker)) fs.writeFileSync(marker, markerBytes('run'));
}

function checkOwned(dir: string, owned: (names: string[]) => boolean, kind: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return;
  }
  if (!stat.isDirectory()) throw new NotStrideFolderError(`'${dir}' exists and is not a folder; Stride will not replace it. Choose another ${kind} folder.`);
  const names = fs.readdirSync(dir);
  if (names.length === 0 || owned(names)) return;
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, … (${names.length} entries)` : '');
  throw new NotStrideFolderError(
    `'${dir}' is not a ${kind} folder Stride wrote (it holds ${shown}); Stride only writes into folders it created. ` +
      `Choose another folder, or move those files away.`,
  );
}

/** The temp folder prefix of saves into `target`; the pid lets a later save tell a dead writer's folder from a live one. */
export function tempPrefix(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-`);
}

/** Removes `.NAME.tmp-*` folders beside `target` left by saves that were killed; folders of running saves stay. */
export function cleanStaleTemps(target: string): void {
  const parent = path.dirname(target);
  const prefix = `.${path.basename(target)}.tmp-`;
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = /^(\d+)-/.exec(name.slice(prefix.length))?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && alive(Number(pid))) continue;
    if (pid !== undefined && Number(pid) === process.pid) continue;
    const full = path.join(parent, name);
    const entries = fs.statSync(full).isDirectory() ? fs.readdirSync(full) : [''];
    if (entries.every((n) => WEIGHTS_FILES.has(n))) fs.rmSync(full, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
