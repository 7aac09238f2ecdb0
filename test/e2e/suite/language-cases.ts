// Extension-host cases for the language features, asserted through the public vscode API.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Case } from './runner';
import { ROOT, codeOf, describeDiagnostics, hoverText, inlayLabel, open, serverReady, waitForDiagnostics, workspaceUri } from './host';

const range = (l1: number, c1: number, l2: number, c2: number): vscode.Range => new vscode.Range(l1, c1, l2, c2);

function assertRange(actual: vscode.Range, expected: vscode.Range, what: string): void {
  const show = (r: vscode.Range): string => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
  assert.equal(show(actual), show(expected), what);
}

async function diagnosticsOfMistakes(): Promise<void> {
  await serverReady();
  const uri = workspaceUri('mistakes.stride');
  const has = (list: readonly vscode.Diagnostic[], code: string): boolean => list.some((d) => codeOf(d) === code);
  const list = await waitForDiagnostics(uri, (l) => has(l, 'unknown-layer') && has(l, 'shape-mismatch'), 'both codes');
  assert.equal(list.length, 2, describeDiagnostics(list));
  const typo = list.find((d) => codeOf(d) === 'unknown-layer')!;
  assertRange(typo.range, range(11, 2, 11, 9), 'unknown-layer covers `conv2dd`');
  assert.equal(typo.severity, vscode.DiagnosticSeverity.Error);
  const mismatch = list.find((d) => codeOf(d) === 'shape-mismatch')!;
  assertRange(mismatch.range, range(6, 2, 6, 11), 'shape-mismatch covers `add(skip)`');
}

interface Annotation {
  readonly code: string;
  /** The line the diagnostic must start on; undefined for `##` notes that describe a whole item. */
  readonly line?: number;
}

/** examples/diagnostics.stride names the code it expects in a comment above each mistake. */
function annotations(text: string): Annotation[] {
  const lines = text.split('\n');
  const found: Annotation[] = [];
  lines.forEach((line, i) => {
    const m = /^\s*(#+)\s*([a-z][a-z-]*):/.exec(line);
    if (!m) return;
    let next = i + 1;
    while (next < lines.length && /^\s*#/.test(lines[next])) next++;
    found.push({ code: m[2], line: m[1] === '#' ? next : undefined });
  });
  return found;
}

async function diagnosticsOfTheTour(): Promise<void> {
  await serverReady();
  const uri = vscode.Uri.file(path.join(ROOT, 'examples/diagnostics.stride'));
  const doc = await open(uri);
  const expected = annotations(doc.getText());
  assert.ok(expected.length >= 10, `only ${expected.length} annotations found`);
  const codes = new Set(expected.map((a) => a.code));
  const list = await waitForDiagnostics(uri, (l) => [...codes].every((c) => l.some((d) => codeOf(d) === c)), 'every annotated code');
  for (const a of expected) {
    if (a.line === undefined) continue;
    const hit = list.some((d) => codeOf(d) === a.code && d.range.start.line === a.line);
    assert.ok(hit, `no ${a.code} on line ${a.line + 1}; have ${describeDiagnostics(list)}`);
  }
  // One root-cause diagnostic per mistake: no follow-on noise.
  assert.equal(list.length, expected.length, describeDiagnostics(list));
}

async function hoverShowsFormula(): Promise<void> {
  await serverReady();
  const uri = workspaceUri('small.stride');
  await open(uri);
  // Line 4 is `  conv2d(8, 3)`: hover over the layer name.
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(3, 4));
  const text = hoverText(hovers);
  // 3×3 kernel over 1 input channel plus a bias, for each of 8 filters.
  assert.ok(text.includes('(3·3·1 + 1)·8 = 80'), `hover lacks the formula: ${text}`);
  assert.ok(text.includes('26, 26, 8'), `hover lacks the output shape: ${text}`);
}

async function inlayHintsShowShapes(): Promise<void> {
  await serverReady();
  const uri = workspaceUri('small.stride');
  const doc = await open(uri);
  const all = range(0, 0, doc.lineCount, 0);
  const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, all);
  const byLine = new Map(hints.map((h) => [h.position.line, inlayLabel(h)]));
  // 28×28 input, 3×3 valid convolution → 26×26; 2×2 pooling → 13×13; flatten → 13·13·8 = 1352.
  assert.equal(byLine.get(3), '→ 26×26×8', JSON.stringify([...byLine]));
  assert.equal(byLine.get(4), '→ 13×13×8');
  assert.equal(byLine.get(5), '→ 1352');
  assert.equal(byLine.get(6), '→ 10');
}

async function quickFixRemovesDiagnostic(): Promise<void> {
  await serverReady();
  const uri = workspaceUri('fixable.stride');
  const doc = await open(uri);
  await waitForDiagnostics(uri, (l) => l.some((d) => codeOf(d) === 'unknown-layer'), 'the typo diagnostic');
  const typo = range(3, 2, 3, 9);
  const kind = vscode.CodeActionKind.QuickFix.value;
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, typo, kind);
  const fix = actions.find((a) => a.title === "Change to 'conv2d'");
  assert.ok(fix?.edit, `no rename fix among ${JSON.stringify(actions.map((a) => a.title))}`);
  assert.equal(fix.isPreferred, true);
  assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the edit was not applied');
  assert.equal(doc.lineAt(3).text, '  conv2d(8, 3)');
  await waitForDiagnostics(uri, (l) => l.length === 0, 'the diagnostic to disappear after the fix');
}

async function codeLensesSummarise(): Promise<void> {
  await serverReady();
  const uri = workspaceUri('small.stride');
  await open(uri);
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
  const summary = lenses.find((l) => l.command?.command === 'stride.showSummary');
  assert.ok(summary?.command, `no summary lens among ${JSON.stringify(lenses.map((l) => l.command?.title))}`);
  // conv2d 80 + dense (1352 + 1)·10 = 13,530 → 13,610 parameters.
  assert.match(summary.command.title, /^13\.6K params · /);
  assert.equal(summary.range.start.line, 1, 'the lens sits on the model name');
  assert.ok(
    lenses.some((l) => l.command?.command === 'stride.train'),
    'no train lens',
  );
}

/** Trainable counts torchvision publishes (batch-norm running statistics are buffers there, not parameters). */
const PUBLISHED: readonly { file: string; model: string; trainable: string }[] = [
  { file: 'resnet18.stride', model: 'ResNet18', trainable: '11,689,512' },
  { file: 'vgg16.stride', model: 'VGG16', trainable: '138,357,544' },
];

async function exampleModelsMatchPublishedCounts(): Promise<void> {
  await serverReady();
  for (const { file, model, trainable } of PUBLISHED) {
    const uri = vscode.Uri.file(path.join(ROOT, 'examples', file));
    const doc = await open(uri);
    const at = doc.getText().indexOf(`model ${model}`);
    assert.ok(at >= 0, `${file} has no model ${model}`);
    const position = doc.positionAt(at + 'model '.length + 1);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
    const text = hoverText(hovers);
    assert.ok(text.includes(`${trainable} trainable`), `${model}: expected ${trainable} trainable in ${text}`);
  }
}

export const languageCases: readonly Case[] = [
  { name: 'diagnostics carry codes and ranges', run: diagnosticsOfMistakes },
  { name: 'every mistake in examples/diagnostics.stride gets its annotated code', run: diagnosticsOfTheTour },
  { name: 'hover shows the parameter formula and output shape', run: hoverShowsFormula },
  { name: 'inlay hints show each line’s output shape', run: inlayHintsShowShapes },
  { name: 'the preferred quick fix applies and removes the diagnostic', run: quickFixRemovesDiagnostic },
  { name: 'code lenses show totals and offer training', run: codeLensesSummarise },
  { name: 'hovering example models gives torchvision’s parameter counts', run: exampleModelsMatchPublishedCounts },
];
