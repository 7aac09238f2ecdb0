// Checks the tree's structural rules the compiler cannot: size limits, and that the training page, the background
// worker and the preview never analyse text themselves and never reach Node from the browser.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SKIP_DIRS = new Set(['node_modules', 'out', 'dist', '.git', '.cache', 'test-artifacts']);
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 60;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name) || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (/\.ts$/.test(entry.name) && !/\.d\.ts$|\.generated\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** AssemblyScript (train/simd/) is not TypeScript and has its own rules (unrolled register tiles). */
const checkedFiles = () => sourceFiles(ROOT).filter((f) => !rel(f).startsWith('train/simd/') && !rel(f).startsWith('test/fixtures/'));
const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');
const parse = (f: string) => ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true);

function longFunctions(sf: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const from = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const to = sf.getLineAndCharacterOfPosition(node.end).line;
      if (to - from + 1 > MAX_FUNCTION_LINES) found.push(`${rel(sf.fileName)}:${from + 1} (${to - from + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

test(`no TypeScript file over ${MAX_FILE_LINES} lines`, () => {
  const over = checkedFiles()
    .map((f) => ({ f: rel(f), n: fs.readFileSync(f, 'utf8').split('\n').length }))
    .filter(({ n }) => n > MAX_FILE_LINES);
  assert.deepEqual(over, []);
});

test(`no function over ${MAX_FUNCTION_LINES} lines`, () => {
  assert.deepEqual(
    checkedFiles().flatMap((f) => longFunctions(parse(f))),
    [],
  );
});

/** Relative imports (and `export … from`) of a file, resolved to .ts files. */
function localImports(file: string): { spec: string; resolved?: string }[] {
  const sf = parse(file);
  const specs: string[] = [];
  sf.forEachChild((n) => {
    // Type-only imports vanish from the compiled code: they carry no behaviour across a boundary.
    if (ts.isImportDeclaration(n) && n.importClause?.isTypeOnly) return;
    if (ts.isExportDeclaration(n) && n.isTypeOnly) return;
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      specs.push(n.moduleSpecifier.text);
    }
  });
  return specs.map((spec) => {
    if (!spec.startsWith('.')) return { spec };
    const base = path.resolve(path.dirname(file), spec);
    const resolved = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
    return { spec, resolved };
  });
}

/** Every project file reachable from an entry point through relative imports. */
function reachable(entry: string): { files: string[]; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const stack = [path.join(ROOT, entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { spec, resolved } of localImports(file)) {
      if (resolved) stack.push(resolved);
      else if (!spec.startsWith('.')) packages.add(spec);
    }
  }
  return { files: [...seen], packages };
}

/** Names a file imports from the analysis core's entry points (`core/analyze`, `core/syntax/parser`). */
function analysisImports(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  sf.forEachChild((n) => {
    if (!ts.isImportDeclaration(n) || !ts.isStringLiteral(n.moduleSpecifier) || n.importClause?.isTypeOnly) return;
    if (!/core\/(analyze|syntax\/parser)$/.test(n.moduleSpecifier.text)) return;
    const bindings = n.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) if (!e.isTypeOnly) names.add(e.name.text);
  });
  return names;
}

/** Calls of the core's `analyze(…)` or `parse(…)` (not `JSON.parse` or `path.parse`), and of any core module's analysis. */
function analysisCalls(file: string): string[] {
  const sf = parse(file);
  const imported = analysisImports(sf);
  const inCore = rel(file).startsWith('core/');
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const callee = ts.isCallExpression(node) && ts.isIdentifier(node.expression) ? node.expression.text : undefined;
    if (callee && /^(analyze|parse)$/.test(callee) && (imported.has(callee) || (inCore && callee === 'analyze'))) {
      found.push(`${rel(file)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1} ${callee}(`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const NODE_BUILTINS = /^(node:|fs$|path$|os$|crypto$|child_process$|worker_threads$|http$|https$|zlib$|url$|util$)/;

for (const [what, entry] of [
  ['the training page', 'webview/training/main.ts'],
  ['the architecture preview', 'webview/preview/main.ts'],
  ['the summary page', 'webview/summary/main.ts'],
  ['the model file viewer page', 'webview/model-file/main.ts'],
] as const) {
  test(`${what} never analyses text and never imports Node`, () => {
    const { files, packages } = reachable(entry);
    assert.deepEqual(files.flatMap(analysisCalls), []);
    assert.deepEqual(
      [...packages].filter((p) => NODE_BUILTINS.test(p)),
      [],
    );
  });
}

test('the background worker never analyses text', () => {
  const { files } = reachable('client/training/background-worker.ts');
  assert.ok(files.length > 5, 'the worker imports its trainer');
  assert.deepEqual(files.flatMap(analysisCalls), []);
});

test('no file under webview/ calls analyze( or parse(', () => {
  const files = sourceFiles(path.join(ROOT, 'webview'));
  assert.ok(files.length > 20);
  assert.deepEqual(files.flatMap(analysisCalls), []);
});

test('the browser-safe part of train/ imports nothing from Node and nothing from train/node/', () => {
  const files = sourceFiles(path.join(ROOT, 'train')).filter((f) => !/^train\/(node|simd)\//.test(rel(f)));
  assert.ok(files.length > 10);
  const crossings = files.flatMap((f) =>
    localImports(f)
      .filter(({ spec, resolved }) => NODE_BUILTINS.test(spec) || (resolved !== undefined && rel(resolved).startsWith('train/node/')))
      .map(({ spec }) => `${rel(f)} imports ${spec}`),
  );
  assert.deepEqual(crossings, []);
});

test('the training page bundle stubs no Node module', () => {
  const config = fs.readFileSync(path.join(ROOT, 'webview', 'training', 'webpack.training.js'), 'utf8');
  assert.doesNotMatch(config, /fallback/);
});
