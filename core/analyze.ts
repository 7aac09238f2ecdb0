// The analysis entry point: text in, syntax tree + model graphs + per-layer facts + diagnostics out. Total.

import type { Diagnostic } from './diagnostics';
import { Budget } from './model/budget';
import { fileEnv, isBuiltin } from './model/functions';
import { defaultRegistry } from './model/layers';
import type { ModelGraph, TrainConfig } from './model/graph';
import { inferModel, type LayerInfo, type ModelTotals } from './model/infer';
import { libraryBlocks } from './model/library';
import { lowerModel } from './model/lower';
import type { LayerRegistry } from './model/registry';
import type { StatementObserver } from './model/scope';
import { lowerTrain } from './model/train-config';
import { tuneModel } from './model/train-tune';
import type * as ast from './syntax/ast';
import { parse, type ParseResult } from './syntax/parser';

export interface ModelAnalysis {
  readonly graph: ModelGraph;
  readonly layers: readonly LayerInfo[];
  readonly totals: ModelTotals;
  readonly train?: TrainConfig;
}

export interface Analysis {
  readonly text: string;
  readonly parse: ParseResult;
  readonly models: readonly ModelAnalysis[];
  readonly blocks: ReadonlyMap<string, ast.BlockDecl>;
  /** Library blocks every file may call (their spans lie beyond the text: see `sourceSlice`). */
  readonly library: ReadonlyMap<string, ast.BlockDecl>;
  /** The file's value functions (`fn …`); the library's are in `libraryFunctions()`. */
  readonly fns: ReadonlyMap<string, ast.FnDecl>;
  readonly trains: readonly TrainConfig[];
  /** Sorted by position; one per root cause. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface AnalyzeOptions {
  readonly registry?: LayerRegistry;
  /** Told before each model body statement is lowered (core/model/lower-resume.ts keeps checkpoints). */
  readonly checkpoints?: StatementObserver;
}

export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const registry = options.registry ?? defaultRegistry;
  const parsed = parse(text);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const blocks = collectBlocks(parsed.file, registry, diagnostics);
  const library = libraryBlocks();
  const fns = collectFunctions(parsed.file, diagnostics);
  // One work budget for the whole file: many models each at the limit must not add up to an unbounded cost.
  const ctx = { text, registry, blocks, library, fns, diagnostics, budget: new Budget(diagnostics), checkpoints: options.checkpoints };
  const seenModels = new Map<string, ast.Ident>();
  const models: ModelAnalysis[] = [];
  for (const item of parsed.file.items) {
    if (item.kind !== 'model') continue;
    if (!checkUnique(item.name, seenModels, 'model', diagnostics)) continue;
    const graph = lowerModel(item, ctx);
    const { layers, totals } = inferModel(graph, text, diagnostics);
    reportUnused(graph, diagnostics);
    models.push({ graph, layers, totals });
  }
  const modelNames = new Set(models.map((m) => m.graph.name));
  const trains = parsed.file.items
    .filter((i): i is ast.TrainDecl => i.kind === 'train')
    .map((t) => lowerTrain(t, modelNames, diagnostics, fileEnv(fns, ctx.budget)));
  const withTrain = models.map((m) => tuneModel({ ...m, train: trains.find((t) => t.model === m.graph.name) }, diagnostics));
  return { text, parse: parsed, models: withTrain, blocks, library, fns, trains, diagnostics: dedupe(diagnostics) };
}

function collectBlocks(file: ast.SourceFile, registry: LayerRegistry, diagnostics: Diagnostic[]): Map<string, ast.BlockDecl> {
  const seen = new Map<string, ast.Ident>();
  const blocks = new Map<string, ast.BlockDecl>();
  for (const item of file.items) {
    if (item.kind !== 'block' || !checkUnique(item.name, seen, 'block', diagnostics)) continue;
    if (registry.get(item.name.name)) {
      diagnostics.push({
        code: 'duplicate-name',
        severity: 'error',
        message: `Block '${item.name.name}' has the name of a built-in layer; choose another name.`,
        span: item.name.span,
      });
      continue;
    }
    const params = new Map<string, ast.Ident>();
    for (const p of item.params) checkUnique(p.name, params, 'parameter', diagnostics);
    blocks.set(item.name.name, item);
  }
  return blocks;
}

/** The file's value functions; a name of a built-in function is reported (a call would never reach the file's). */
function collectFunctions(file: ast.SourceFile, diagnostics: Diagnostic[]): Map<string, ast.FnDecl> {
  const seen = new Map<string, ast.Ident>();
  const fns = new Map<string, ast.FnDecl>();
  for (const item of file.items) {
    if (item.kind !== 'fn' || !checkUnique(item.name, seen, 'function', diagnostics)) continue;
    if (isBuiltin(item.name.name)) {
      diagnostics.push({
        code: 'duplicate-name',
        severity: 'error',
        message: `Function '${item.name.name}' has the name of a built-in function; choose another name.`,
        span: item.name.span,
      });
      continue;
    }
    const params = new Map<string, ast.Ident>();
    for (const p of item.params) checkUnique(p.name, params, 'parameter', diagnostics);
    fns.set(item.name.name, item);
  }
  return fns;
}

function checkUnique(name: ast.Ident, seen: Map<string, ast.Ident>, what: string, diagnostics: Diagnostic[]): boolean {
  if (name.missing) return false;
  const previous = seen.get(name.name);
  if (previous) {
    diagnostics.push({
      code: 'duplicate-name',
      severity: 'error',
      message: `There is already a ${what} named '${name.name}'.`,
      span: name.span,
      related: [{ span: previous.span, message: 'first defined here' }],
    });
    return false;
  }
  seen.set(name.name, name);
  return true;
}

/** Layers whose output never reaches a model output: one warning per statement. */
function reportUnused(graph: ModelGraph, diagnostics: Diagnostic[]): void {
  if (graph.outputs.length === 0) return;
  // One byte per node, not a set that grows (and rehashes) to a hundred thousand entries.
  const used = new Uint8Array(graph.nodes.length);
  const stack = [...graph.outputs];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (used[id] === 1) continue;
    used[id] = 1;
    for (const input of graph.nodes[id].inputs) stack.push(input);
  }
  const reported = new Set<number>();
  for (const node of graph.nodes) {
    if (used[node.id] === 1 || reported.has(node.statementSpan.start)) continue;
    reported.add(node.statementSpan.start);
    // A node in the same statement that is used means only part of the chain is dead: report that node.
    const what = node.target ? `'${node.target}'` : `${node.kind}()`;
    diagnostics.push({
      code: 'unused-layer',
      severity: 'warning',
      message: `${what} is never used: its output does not reach the model output${graph.outputs.length > 1 ? 's' : ''}.`,
      span: node.span,
      unnecessary: true,
    });
  }
}

/** Block instances repeat the same diagnostic; keep one per place and message, gathering call sites. */
function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const byKey = new Map<string, Diagnostic>();
  for (const d of diagnostics) {
    const key = `${d.code}|${d.span.start}|${d.span.end}|${d.message}`;
    const prev = byKey.get(key);
    if (!prev) byKey.set(key, d);
    else if (d.related) {
      const merged = [...(prev.related ?? [])];
      for (const r of d.related) if (!merged.some((m) => m.span.start === r.span.start)) merged.push(r);
      byKey.set(key, { ...prev, related: merged.slice(0, 10) });
    }
  }
  return [...byKey.values()].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}
