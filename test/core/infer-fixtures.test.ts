// Inference fixtures: each annotated line's shape, counts, receptive field and diagnostics, plus model totals and fixes.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, type Analysis, type ModelAnalysis } from '../../core/analyze';
import { DIAGNOSTIC_CODES, type Diagnostic, type Fix } from '../../core/diagnostics';
import { defaultRegistry } from '../../core/model/layers';
import type { LayerInfo } from '../../core/model/infer';
import { estimateTrainingMemory } from '../../core/model/memory';
import { formatShape } from '../../core/model/values';
import { LineIndex } from '../../ide/line-index';
import { readExpectations, parseCount, type LineExpectation } from '../helpers/expectations';
import { FIXTURES, strideFiles } from '../helpers/fixtures';
import { analysisProblems } from '../helpers/invariants';

const DIR = path.join(FIXTURES, 'infer');

interface Indexed {
  readonly analysis: Analysis;
  readonly lineOf: (offset: number) => number;
  /** Layers attributed to each line: the line of the call in the model body (block layers go to their call). */
  readonly layersByLine: Map<number, LayerInfo[]>;
  readonly diagnosticsByLine: Map<number, Diagnostic[]>;
}

function index(text: string): Indexed {
  const analysis = analyze(text);
  const lines = new LineIndex(text);
  const lineOf = (offset: number) => lines.position(offset).line;
  const layersByLine = new Map<number, LayerInfo[]>();
  for (const m of analysis.models) {
    for (const l of m.layers) {
      const line = lineOf(l.node.callSites[0]?.span.start ?? l.node.span.start);
      layersByLine.set(line, [...(layersByLine.get(line) ?? []), l]);
    }
  }
  const diagnosticsByLine = new Map<number, Diagnostic[]>();
  for (const d of analysis.diagnostics) {
    const line = lineOf(d.span.start);
    diagnosticsByLine.set(line, [...(diagnosticsByLine.get(line) ?? []), d]);
  }
  return { analysis, lineOf, layersByLine, diagnosticsByLine };
}

const axes = (xs: readonly number[]) => xs.join('x');

/** The value of one `#:` fact for the layers of a line (the last layer for per-layer facts, sums for counts). */
function layerFact(key: string, layers: readonly LayerInfo[]): string {
  const last = layers[layers.length - 1];
  const sum = (f: (l: LayerInfo) => number) => String(layers.reduce((s, l) => s + f(l), 0));
  switch (key) {
    case 'params':
      return sum((l) => l.params.trainable + l.params.nonTrainable);
    case 'trainable':
      return sum((l) => l.params.trainable);
    case 'nontrainable':
      return sum((l) => l.params.nonTrainable);
    case 'macs':
      return sum((l) => l.macs);
    case 'layers':
      return String(layers.length);
    case 'bytes':
      return String(last.activationBytes);
    case 'rf':
      return last.rf === null ? 'none' : last.rf.global ? 'global' : axes(last.rf.size);
    case 'jump':
      return last.rf === null ? 'none' : axes(last.rf.jump);
    case 'start':
      return last.rf === null ? 'none' : last.rf.start.join(',');
    default:
      throw new Error(`unknown layer fact '${key}'`);
  }
}

function modelFact(key: string, model: ModelAnalysis): string {
  const t = model.totals;
  const memory = estimateTrainingMemory(model.layers, t, model.train?.batch ?? 32, model.train?.optimizer);
  const values: Record<string, number> = {
    params: t.params,
    trainable: t.trainable,
    nontrainable: t.nonTrainable,
    macs: t.macs,
    activations: t.activationBytes,
    'memory.weights': memory.weights,
    'memory.gradients': memory.gradients,
    'memory.optimizer': memory.optimizerState,
    'memory.activations': memory.activations,
    'memory.total': memory.total,
  };
  if (!(key in values)) throw new Error(`unknown model fact '${key}'`);
  return String(values[key]);
}

/** Counts may be written with digit-group commas; receptive-field facts (3x3, 0.5,0.5, global) are compared as written. */
const canonical = (key: string, v: string) => (['rf', 'jump', 'start'].includes(key) ? v : String(parseCount(v)));

function checkLine(exp: LineExpectation, ix: Indexed, text: string, failures: string[]): void {
  const where = `line ${exp.line + 1}`;
  const layers = ix.layersByLine.get(exp.line) ?? [];
  if (exp.layer) {
    if (layers.length === 0) failures.push(`${where}: no layers on this line`);
    else {
      const last = layers[layers.length - 1];
      const shape = last.shape === null ? 'unknown' : formatShape(last.shape);
      if (exp.layer.shape !== undefined && shape !== exp.layer.shape) failures.push(`${where}: shape ${shape}, expected ${exp.layer.shape}`);
      for (const [key, want] of exp.layer.facts) {
        const got = layerFact(key, layers);
        if (got !== canonical(key, want)) failures.push(`${where}: ${key}=${got}, expected ${want}`);
      }
    }
  }
  if (exp.model) {
    const offset = new LineIndex(text).offset(exp.line, 0);
    const model = ix.analysis.models.find((m) => m.graph.span.start <= offset && offset <= m.graph.span.end);
    if (!model) failures.push(`${where}: #= outside a model`);
    else
      for (const [key, want] of exp.model) {
        const got = modelFact(key, model);
        if (got !== canonical(key, want)) failures.push(`${where}: model ${key}=${got}, expected ${want}`);
      }
  }
  const codes = (ix.diagnosticsByLine.get(exp.line) ?? []).map((d) => d.code).sort();
  const want = [...(exp.codes ?? [])].sort();
  if (codes.join(' ') !== want.join(' ')) failures.push(`${where}: diagnostics [${codes.join(' ')}], expected [${want.join(' ')}]`);
  for (const title of exp.fixes) checkFix(title, exp, ix, text, failures);
}

function applyFix(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.span.start - a.span.start);
  return edits.reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
}

/** Applies the fix with this title and re-analyses: its diagnostic must be gone and nothing new may appear. */
function checkFix(title: string, exp: LineExpectation, ix: Indexed, text: string, failures: string[]): void {
  const where = `line ${exp.line + 1}`;
  const onLine = ix.diagnosticsByLine.get(exp.line) ?? [];
  const diag = onLine.find((d) => d.fixes?.some((f) => f.title === title));
  if (!diag) {
    const titles = onLine.flatMap((d) => (d.fixes ?? []).map((f) => f.title));
    failures.push(`${where}: no fix titled '${title}' (fixes here: ${titles.join('; ') || 'none'})`);
    return;
  }
  const fixed = applyFix(text, diag.fixes!.find((f) => f.title === title)!);
  const before = ix.analysis.diagnostics;
  const after = analyze(fixed).diagnostics;
  const count = (ds: readonly Diagnostic[], code: string) => ds.filter((d) => d.code === code).length;
  if (count(after, diag.code) >= count(before, diag.code)) failures.push(`${where}: '${title}' did not remove the ${diag.code} diagnostic`);
  for (const code of new Set(after.map((d) => d.code)))
    if (count(after, code) > count(before, code)) failures.push(`${where}: '${title}' introduced a ${code} diagnostic`);
}

interface FileResult {
  readonly expectations: LineExpectation[];
  readonly ix: Indexed;
}

const results = new Map<string, FileResult>();

for (const file of strideFiles(DIR)) {
  const name = path.basename(file);
  test(`inference fixture ${name}`, () => {
    const text = fs.readFileSync(file, 'utf8');
    const expectations = readExpectations(text);
    const ix = index(text);
    results.set(name, { expectations, ix });
    assert.ok(expectations.length > 0, 'a fixture without expectations checks nothing');
    const failures: string[] = [];
    for (const exp of expectations) checkLine(exp, ix, text, failures);
    // Diagnostics on lines without a `#!` are unexpected.
    const expected = new Set(expectations.filter((e) => e.codes).map((e) => e.line));
    for (const [line, ds] of ix.diagnosticsByLine) {
      if (!expected.has(line)) failures.push(`line ${line + 1}: unexpected ${ds.map((d) => `${d.code} (${d.message})`).join(', ')}`);
    }
    failures.push(...analysisProblems(ix.analysis));
    assert.deepEqual(failures, []);
  });
}

test('the inference fixtures cover every layer kind and every diagnostic code', () => {
  const kinds = new Set<string>();
  const codes = new Set<string>();
  for (const { expectations, ix } of results.values()) {
    for (const exp of expectations) {
      const layers = ix.layersByLine.get(exp.line) ?? [];
      const last = layers[layers.length - 1];
      if (exp.layer?.shape && exp.layer.shape !== 'unknown' && last) kinds.add(last.node.kind);
      // split lowers to slice nodes, which carry its `parts`.
      if (exp.layer?.shape && last?.node.args.parts !== undefined) kinds.add('split');
      for (const c of exp.codes ?? []) codes.add(c);
    }
  }
  assert.ok(results.size >= 10, 'fixture tests ran first');
  assert.deepEqual(
    defaultRegistry
      .all()
      .map((d) => d.kind)
      .filter((k) => !kinds.has(k)),
    [],
    'layer kinds without a shape expectation',
  );
  assert.deepEqual(
    Object.keys(DIAGNOSTIC_CODES).filter((c) => !codes.has(c)),
    [],
    'diagnostic codes without an expectation',
  );
});
