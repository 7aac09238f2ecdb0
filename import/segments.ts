// Cuts the importer's flat statements into candidate block instances: by the module paths in the node names when the
// exporter wrote them, else by repeated single-entry single-exit runs of statements.

import type { Line } from './render';

/** Statements `start … end − 1` of the flat list, one candidate instance of a block. */
export interface Segment {
  readonly start: number;
  readonly end: number;
  /** What the call line's comment says about where the instance came from. */
  readonly label: string;
  /** The module path the node names share (`/layer1/layer1.0`), when the instance was found by name. */
  readonly prefix?: string;
}

/** For each line, where each tensor is produced. */
export function producers(lines: readonly Line[]): Map<string, number> {
  return new Map(lines.map((l, i) => [l.out, i]));
}

/**
 * The tensor a block call starting at line `start` reads (the block's `in`): what its first line reads. Usually the
 * line before's; another where a branch sits between (an auxiliary head read off the trunk), written `t -> block(…)`.
 */
export function entryOf(lines: readonly Line[], start: number): string {
  return lines[start].inputs[0] ?? lines[start - 1].out;
}

/**
 * Whether lines `start … end − 1` can become one block call: inside, they read only their own tensors and the block's
 * entry (`in`); after them, nothing reads their tensors but the last one (the result).
 */
export function singleEntryExit(lines: readonly Line[], start: number, end: number, made: Map<string, number>): boolean {
  if (start < 1 || end > lines.length || end - start < 1) return false;
  const entry = entryOf(lines, start);
  for (let i = start; i < end; i++) {
    // A source (a second model input) inside would be a second entry.
    if (lines[i].inputs.length === 0) return false;
    for (const t of lines[i].inputs) {
      const p = made.get(t);
      if (t !== entry && (p === undefined || p < start || p >= end)) return false;
    }
  }
  for (let i = end; i < lines.length; i++) {
    for (const t of lines[i].inputs) {
      const p = made.get(t);
      if (p !== undefined && p >= start && p < end - 1) return false;
    }
  }
  return true;
}

/**
 * The module instance a torchvision-style node name belongs to: `/layer1/layer1.0/conv1/Conv` → `/layer1/layer1.0`;
 * in Stride's own export, the block call a node was written in: `encoder_1/dense_1:MatMul` → `encoder_1`.
 */
export function instancePrefix(node: string | undefined): string | undefined {
  const stride = /^([A-Za-z_]\w*_\d+)\/(?:[A-Za-z_]\w*_\d+\/)*[A-Za-z_]\w*:[A-Za-z]+(?:_\d+)?$/.exec(node ?? '');
  if (stride) return stride[1];
  const parts = (node ?? '').split('/');
  // A sequential container's child is named after it with its index: `features/features.3`.
  const at = parts.findIndex((p, i) => i > 0 && /\.\d+$/.test(p));
  return at < 0 ? undefined : parts.slice(0, at + 1).join('/');
}

/** Consecutive lines of one module instance, kept when they are single-entry single-exit. */
export function namedSegments(lines: readonly Line[]): Segment[] {
  const made = producers(lines);
  const out: Segment[] = [];
  let start = 1;
  for (let i = 2; i <= lines.length; i++) {
    const prefix = instancePrefix(lines[start].node);
    if (i < lines.length && instancePrefix(lines[i].node) === prefix) continue;
    if (prefix !== undefined && singleEntryExit(lines, start, i, made)) out.push({ start, end: i, label: prefix, prefix });
    start = i;
  }
  return out;
}

/** Boundaries where only the previous line's tensor is alive: each run between two of them is single-entry single-exit. */
function atoms(lines: readonly Line[]): Segment[] {
  const made = producers(lines);
  const lastUse = lines.map(() => -1);
  lines.forEach((l, j) => l.inputs.forEach((t) => (lastUse[made.get(t) ?? j] = j)));
  const out: Segment[] = [];
  let start = 1;
  let alive = -1; // the last use of any tensor made before the line before the boundary
  for (let c = 2; c <= lines.length; c++) {
    alive = Math.max(alive, lastUse[c - 2]);
    if (c < lines.length && alive >= c) continue;
    // The first node without its operator type (`/features/denseblock1/denselayer1/norm1`).
    const node = lines[start].node ?? lines[start].out;
    out.push({ start, end: c, label: node.replace(/[/:][A-Z][A-Za-z]*$/, '') || node });
    start = c;
  }
  return out;
}

/** A repeated run is at most this many pieces long. */
const LONGEST = 12;

interface Pattern {
  readonly starts: number[];
  readonly length: number;
  readonly lines: number;
}

/** Occurrences of each run of unused atoms, counted without overlap, keyed by their shapes. */
function patterns(units: readonly Segment[], keys: readonly string[], used: readonly boolean[], longest: number): Pattern[] {
  const found = new Map<string, Pattern>();
  for (let i = 0; i < units.length; i++) {
    for (let len = 1; len <= longest && i + len <= units.length && !used[i + len - 1]; len++) {
      if (used[i]) break;
      const key = `${len}|${keys.slice(i, i + len).join('\n')}`;
      const p = found.get(key) ?? { starts: [], length: len, lines: units[i + len - 1].end - units[i].start };
      const last = p.starts[p.starts.length - 1];
      if (last === undefined || last + len <= i) p.starts.push(i);
      found.set(key, p);
    }
  }
  return [...found.values()].filter((p) => p.starts.length > 1 && p.lines > 1);
}

/** The lines a pattern saves when its occurrences become calls of one block: long patterns seen twice lose to short
 * ones seen often. */
const saved = (p: Pattern): number => p.lines * (p.starts.length - 1);

/** Atoms that cannot start a block joined to the atom before them: a convolution keeps its normalization and activation. */
function glued(units: readonly Segment[], opens: (s: Segment) => boolean): Segment[] {
  const out: Segment[] = [];
  for (const u of units) {
    const prev = out[out.length - 1];
    if (prev && !opens(u)) out[out.length - 1] = { ...prev, end: u.end };
    else out.push(u);
  }
  return out;
}

/** Takes the repeated patterns greedily, the one that saves the most lines first (ties to the shorter pattern). */
function take(units: readonly Segment[], keys: readonly string[], used: boolean[], longest: number, out: Segment[]): void {
  for (;;) {
    const best = patterns(units, keys, used, longest).sort((a, b) => saved(b) - saved(a) || a.length - b.length)[0];
    if (!best) return;
    for (const s of best.starts) {
      for (let k = s; k < s + best.length; k++) used[k] = true;
      out.push({ start: units[s].start, end: units[s + best.length - 1].end, label: units[s].label });
    }
  }
}

/**
 * Without meaningful names: the pieces between cuts (joined to what cannot start a block, as `opens` says) are taken
 * as blocks where they repeat. Pieces that merge tensors (residual units) first, each on its own, so that two of them
 * seen together are not preferred to each seen alone; then runs of up to a few pieces. `keyOf` says when two runs
 * have the same shape.
 */
export function structuralSegments(lines: readonly Line[], keyOf: (s: Segment) => string, opens: (s: Segment) => boolean): Segment[] {
  const units = glued(atoms(lines), opens);
  const keys = units.map(keyOf);
  const merges = units.map((u) => lines.slice(u.start, u.end).some((l) => l.inputs.length > 1));
  const used = merges.map((m) => !m);
  const out: Segment[] = [];
  take(units, keys, used, 1, out);
  // Merging pieces taken on their own stay taken; the others may still be part of a longer run.
  const taken = used.map((u, i) => merges[i] && u);
  take(units, keys, taken, LONGEST, out);
  return out.sort((a, b) => a.start - b.start);
}
