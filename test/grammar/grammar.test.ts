// TextMate grammar: golden token snapshots (vscode-textmate + oniguruma), key scopes, and the layer list kept in sync with the registry.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';
import { defaultRegistry } from '../../core/model/layers';

const ROOT = join(__dirname, '..', '..', '..');
const GRAMMAR = join(ROOT, 'syntaxes', 'stride.tmLanguage.json');
const FIXTURES = join(ROOT, 'test', 'grammar', 'fixtures');
const EXAMPLES = join(ROOT, 'examples');
/** Set to regenerate the snapshots and the grammar's layer list; review the diff. */
const UPDATE = process.env.STRIDE_UPDATE_GOLDEN === '1';

async function loadGrammar(): Promise<IGrammar> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => (scope === 'source.stride' ? parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null),
  });
  const grammar = await registry.loadGrammar('source.stride');
  if (!grammar) throw new Error('grammar did not load');
  return grammar;
}

interface Tok {
  readonly line: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

function tokenize(grammar: IGrammar, text: string): Tok[] {
  const out: Tok[] = [];
  let state = INITIAL;
  text.split('\n').forEach((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push({ line: i, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) });
    state = r.ruleStack;
  });
  return out;
}

/** One line per source line, then one per non-blank token: `  text  scope scope`. */
function snapshot(grammar: IGrammar, text: string): string {
  const lines = text.split('\n');
  const toks = tokenize(grammar, text);
  const out: string[] = [];
  lines.forEach((line, i) => {
    out.push(`> ${line}`);
    for (const t of toks.filter((x) => x.line === i && x.text.trim() !== '')) out.push(`  ${JSON.stringify(t.text)}  ${t.scopes.join(' ') || '(none)'}`);
  });
  return out.join('\n') + '\n';
}

let loading: Promise<IGrammar> | undefined;

/** The grammar, loaded once for every suite (oniguruma's wasm loads once per process); with UPDATE, regenerated first. */
function sharedGrammar(): Promise<IGrammar> {
  loading ??= (async () => {
    if (UPDATE) syncLayerNames();
    return loadGrammar();
  })();
  return loading;
}

describe('TextMate grammar: snapshots and scopes', () => {
  let grammar: IGrammar;
  before(async () => {
    grammar = await sharedGrammar();
  });

  it('matches the golden snapshot of every fixture', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.stride'));
    assert.ok(files.length > 0);
    for (const f of files) {
      const actual = snapshot(grammar, readFileSync(join(FIXTURES, f), 'utf8'));
      const golden = join(FIXTURES, `${f}.snap`);
      if (UPDATE) writeFileSync(golden, actual);
      assert.ok(existsSync(golden), `${f}: no snapshot yet (STRIDE_UPDATE_GOLDEN=1 writes it)`);
      assert.equal(actual, readFileSync(golden, 'utf8'), `${f}: snapshot differs (STRIDE_UPDATE_GOLDEN=1 regenerates)`);
    }
  });

  it('gives the key constructs their scopes', () => {
    const toks = tokenize(grammar, readFileSync(join(FIXTURES, 'all-constructs.stride'), 'utf8'));
    const scopeOf = (text: string, n = 0) => toks.filter((t) => t.text === text)[n]?.scopes.join(' ');
    assert.equal(scopeOf('# A comment'), undefined, 'the marker is its own token');
    assert.ok(toks.some((t) => t.scopes.includes('comment.line.documentation.stride')));
    assert.equal(scopeOf('block'), 'storage.type.block.stride');
    assert.equal(scopeOf('basic'), 'entity.name.function.block.stride');
    assert.equal(scopeOf('filters'), 'variable.parameter.stride');
    assert.equal(scopeOf('model'), 'storage.type.model.stride');
    assert.equal(scopeOf('Net'), 'entity.name.type.model.stride');
    assert.equal(scopeOf('conv2d'), 'support.function.layer.stride');
    assert.equal(scopeOf('mystery'), 'entity.name.function.call.stride');
    assert.equal(scopeOf('padding'), 'variable.parameter.argument.stride');
    assert.equal(scopeOf('same'), 'constant.language.stride');
    assert.equal(scopeOf('false'), 'constant.language.boolean.stride');
    assert.equal(scopeOf('->'), 'keyword.operator.chain.stride');
    assert.equal(scopeOf('×'), 'keyword.operator.repeat.stride');
    assert.equal(scopeOf('x'), 'keyword.operator.repeat.stride');
    assert.equal(scopeOf('skip'), 'variable.other.definition.tensor.stride');
    assert.equal(scopeOf('in'), 'variable.language.input.stride');
    assert.equal(scopeOf('1.5e-3'), 'constant.numeric.stride');
    assert.equal(scopeOf('text'), 'string.quoted.double.stride');
    assert.equal(scopeOf('*'), 'keyword.operator.arithmetic.stride', 'multiplication, not repetition');
    assert.equal(scopeOf('train'), 'storage.type.train.stride');
    assert.equal(scopeOf('data'), 'variable.parameter.argument.stride');
    assert.equal(scopeOf('fn'), 'storage.type.fn.stride');
    assert.equal(scopeOf('make_even'), 'entity.name.function.fn.stride');
    assert.equal(scopeOf('if'), 'keyword.control.conditional.stride');
    assert.equal(scopeOf('else'), 'keyword.control.conditional.stride');
    assert.equal(scopeOf('and'), 'keyword.operator.logical.stride');
    assert.equal(scopeOf('not'), 'keyword.operator.logical.stride');
    assert.equal(scopeOf('=='), 'keyword.operator.comparison.stride');
    assert.equal(scopeOf('>='), 'keyword.operator.comparison.stride');
    assert.equal(scopeOf('//'), 'keyword.operator.arithmetic.stride');
    assert.equal(scopeOf('%'), 'keyword.operator.arithmetic.stride');
    assert.equal(scopeOf('max'), 'support.function.builtin.stride');
  });
});

describe('TextMate grammar: coverage of layers and examples', () => {
  let grammar: IGrammar;
  before(async () => {
    grammar = await sharedGrammar();
  });

  it('highlights every registered layer name (kinds and aliases) as a layer', () => {
    const names = defaultRegistry.names();
    const missing = names.filter((n) => {
      const toks = tokenize(grammar, `model M {\n  ${n}()\n}`);
      return toks.find((t) => t.text === n)?.scopes.join(' ') !== 'support.function.layer.stride';
    });
    assert.deepEqual(missing, [], 'layer names missing from the grammar (STRIDE_UPDATE_GOLDEN=1 regenerates the list)');
  });

  it('tokenizes every example without leaving identifiers unscoped', () => {
    for (const f of readdirSync(EXAMPLES).filter((x) => x.endsWith('.stride'))) {
      const toks = tokenize(grammar, readFileSync(join(EXAMPLES, f), 'utf8'));
      const bare = toks.filter((t) => /^[A-Za-z_]\w*$/.test(t.text.trim()) && t.scopes.length === 0);
      assert.deepEqual(bare, [], f);
    }
  });
});

/** Rewrites the grammar's layer-name alternation from the registry (longest first, so prefixes never win). */
function syncLayerNames(): void {
  const grammar = JSON.parse(readFileSync(GRAMMAR, 'utf8')) as { repository: Record<string, { match?: string }> };
  const names = defaultRegistry.names().sort((a, b) => b.length - a.length || a.localeCompare(b));
  grammar.repository['layer-names'].match = `\\b(${names.join('|')})\\b(?=\\s*\\()`;
  writeFileSync(GRAMMAR, JSON.stringify(grammar, null, 2) + '\n');
}
