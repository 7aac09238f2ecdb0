// Between two full analyses: the layers of the one edited statement of a model body, from the previous analysis's
// checkpoints, equal to what a fresh analyze() of the new text gives for that statement (docs/ARCHITECTURE.md).

import { analyze, type Analysis, type ModelAnalysis } from './analyze';
import { defaultRegistry } from './model/layers';
import { inferNode, type LayerInfo } from './model/infer';
import { Checkpoints } from './model/lower-resume';
import type * as ast from './syntax/ast';
import { parseStatementAt } from './syntax/parser';

/** A full analysis with the checkpoints its lowering left. */
export interface Recorded {
  readonly analysis: Analysis;
  readonly checkpoints: Checkpoints;
}

export function analyzeRecorded(text: string): Recorded {
  const checkpoints = new Checkpoints();
  return { analysis: analyze(text, { checkpoints }), checkpoints };
}

/** The statement of the new text that holds the edit, and its layers as a fresh analysis infers them. */
export interface EditedStatement {
  readonly statement: ast.Statement;
  readonly model: ModelAnalysis;
  readonly layers: readonly LayerInfo[];
}

/** One changed region: `[start, oldEnd)` of the old text became `[start, newEnd)` of the new one. */
export interface TextEdit {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

const CHUNK = 4096;

/** The smallest region that differs between two texts (common prefix and suffix removed). */
export function changedRegion(before: string, after: string): TextEdit {
  const max = Math.min(before.length, after.length);
  let start = 0;
  // Equal chunks are skipped by the engine's string comparison, then the first difference is found in the chunk.
  while (start + CHUNK <= max && before.slice(start, start + CHUNK) === after.slice(start, start + CHUNK)) start += CHUNK;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  const room = max - start;
  while (
    tail + CHUNK <= room &&
    before.slice(before.length - tail - CHUNK, before.length - tail) === after.slice(after.length - tail - CHUNK, after.length - tail)
  )
    tail += CHUNK;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

/**
 * The edited statement of `text` when the edit lies inside one plain statement of a model body and the answer provably
 * equals a fresh analysis's; undefined otherwise (the caller then analyses the whole text).
 */
export function editedStatement(base: Recorded, text: string): EditedStatement | undefined {
  const old = base.analysis;
  const edit = changedRegion(old.text, text);
  const found = statementAt(old, edit);
  if (!found || !base.checkpoints.has(found.model)) return undefined;
  const { model, index, stmt } = found;
  const delta = edit.newEnd - edit.oldEnd;
  const reparsed = reparse(text, stmt, stmt.span.end + delta);
  // The old statement must read the same way alone, so the parser's state after it is the one after a clean statement.
  if (!reparsed || !reparse(old.text, stmt, stmt.span.end) || !sameShape(stmt, reparsed)) return undefined;
  const analysed = old.models.find((m) => m.graph.span.start === model.span.start && m.graph.name === model.name.name);
  if (!analysed || analysed.train?.freeze || !onlyLayers(reparsed, old)) return undefined;
  const statement: ast.Statement = { ...reparsed, doc: stmt.doc };
  const relowered = base.checkpoints.relower(model, index, statement, text);
  if (!relowered || relowered.before > analysed.layers.length) return undefined;
  const done = analysed.layers.slice(0, relowered.before);
  for (const node of relowered.nodes) done.push(inferNode(node, done, text, []));
  return { statement, model: analysed, layers: done.slice(relowered.before) };
}

/** The top-level plain statement of a lowered model body that contains the whole edit. */
function statementAt(old: Analysis, edit: TextEdit): { model: ast.ModelDecl; index: number; stmt: ast.Statement } | undefined {
  const model = old.parse.file.items.find((i) => i.kind === 'model' && i.bodySpan.start < edit.start && edit.oldEnd < i.bodySpan.end);
  if (!model || model.kind !== 'model') return undefined;
  const body = model.body;
  let lo = 0;
  let hi = body.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (body[mid].span.start <= edit.start) lo = mid;
    else hi = mid - 1;
  }
  const stmt = body[lo];
  if (!stmt || stmt.kind !== 'statement' || stmt.span.start > edit.start || edit.oldEnd > stmt.span.end) return undefined;
  return { model, index: lo, stmt };
}

/** The statement starting where `stmt` starts, parsed alone from its line; only if clean and ending at `end`. */
function reparse(text: string, stmt: ast.Statement, end: number): ast.Statement | undefined {
  let lineStart = stmt.span.start;
  while (lineStart > 0 && (text.charCodeAt(lineStart - 1) === 32 || text.charCodeAt(lineStart - 1) === 9)) lineStart--;
  // The statement must begin its line: the lexer starts fresh there, as it does after every line break.
  const before = lineStart > 0 ? text.charCodeAt(lineStart - 1) : 10;
  if (before !== 10 && before !== 13) return undefined;
  let lineEnd = end;
  while (lineEnd < text.length && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
  const { statement, diagnostics } = parseStatementAt(text, lineStart, lineEnd);
  if (!statement || statement.kind !== 'statement' || diagnostics.length > 0) return undefined;
  return statement.span.start === stmt.span.start && statement.span.end === end ? statement : undefined;
}

/** Same names assigned: automatic names skip every assigned name, so a new one would rename layers before it. */
function sameShape(a: ast.Statement, b: ast.Statement): boolean {
  if (a.targets || b.targets) return false;
  return a.target?.name === b.target?.name && !a.target?.missing && !b.target?.missing;
}

/** Every call in a chain is a built-in layer (no block, no `output`): its nodes then carry spans of this statement. */
function onlyLayers(stmt: ast.Statement, old: Analysis): boolean {
  const ok = (elems: readonly ast.ChainElem[]): boolean => elems.every((e) => e.kind === 'ident' || layerCall(e.call));
  const layerCall = (call: ast.CallExpr): boolean => {
    const name = call.callee.name;
    if (!defaultRegistry.get(name) || old.blocks.has(name) || old.library.has(name)) return false;
    return call.args.every((a) => a.value.kind !== 'chain' || ok(a.value.elems));
  };
  return ok(stmt.chain);
}
