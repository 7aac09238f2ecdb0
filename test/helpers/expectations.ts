// Inline expectations in inference fixtures: `#:` layer facts, `#=` model totals, `#!` diagnostic codes, `#fix:` fixes.
// `#^` lists codes expected on the line above, for lines that cannot hold a comment (an unterminated string).

/** Expectations written in the comments of one source line (0-based line number). */
export interface LineExpectation {
  readonly line: number;
  /** `#: (None, 30, 30, 16) params=448`: a shape (or `unknown`) followed by `key=value` facts. */
  readonly layer?: { readonly shape?: string; readonly facts: ReadonlyMap<string, string> };
  /** `#= params=1,234 memory.total=…`: totals of the model this line belongs to. */
  readonly model?: ReadonlyMap<string, string>;
  /** `#! shape-mismatch`: the codes of the diagnostics that start on this line, in any order. */
  readonly codes?: readonly string[];
  /** `#fix: Use padding: same`: titles of fixes to apply to this line's diagnostics. */
  readonly fixes: readonly string[];
}

const MARKER = /#(fix:|[:!=^])/g;

/** Reads the expectations of every line; lines without markers are left out. */
export function readExpectations(text: string): LineExpectation[] {
  const result: LineExpectation[] = [];
  const above = (line: number, codes: string[]) => {
    const prev = result.find((e) => e.line === line);
    if (prev) (prev as { codes?: readonly string[] }).codes = [...(prev.codes ?? []), ...codes];
    else result.push({ line, codes, fixes: [] });
  };
  text.split('\n').forEach((source, line) => {
    const hash = commentStart(source);
    if (hash < 0) return;
    const comment = source.slice(hash);
    const marks = [...comment.matchAll(MARKER)];
    if (marks.length === 0) return;
    const exp: { line: number; layer?: LineExpectation['layer']; model?: Map<string, string>; codes?: string[]; fixes: string[] } = { line, fixes: [] };
    marks.forEach((m, i) => {
      const body = comment.slice(m.index! + m[0].length, i + 1 < marks.length ? marks[i + 1].index : undefined).trim();
      if (m[1] === ':') exp.layer = parseLayer(body);
      else if (m[1] === '=') exp.model = parseFacts(body);
      else if (m[1] === '!') exp.codes = [...(exp.codes ?? []), ...body.split(/\s+/).filter(Boolean)];
      else if (m[1] === '^') above(line - 1, body.split(/\s+/).filter(Boolean));
      else exp.fixes.push(body);
    });
    result.push(exp);
  });
  return result;
}

/** The first `#` that is not inside a string literal. */
function commentStart(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return i;
  }
  return -1;
}

function parseLayer(body: string): LineExpectation['layer'] {
  const shape = /^(\([^)]*\)|unknown)/.exec(body);
  const rest = shape ? body.slice(shape[0].length) : body;
  return { shape: shape?.[0], facts: parseFacts(rest) };
}

function parseFacts(body: string): Map<string, string> {
  const facts = new Map<string, string>();
  for (const part of body.split(/\s+/).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`expectation '${part}' is not key=value`);
    facts.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return facts;
}

/** `1,234` or `1_234` → 1234; `1.5M` style suffixes are not accepted, so every number is exact. */
export function parseCount(text: string): number {
  const n = Number(text.replace(/[,_]/g, ''));
  if (!Number.isFinite(n)) throw new Error(`'${text}' is not a number`);
  return n;
}
