// Value functions: the built-ins (`min`, `max`, `round`, …) and functions written in Stride (`fn make_divisible(…)`).

import type { Diagnostic } from '../diagnostics';
import type * as ast from '../syntax/ast';
import type { Span } from '../syntax/span';
import { matchArgs, type Misfits } from './args';
import { Budget } from './budget';
import type { ParamBinding } from './eval';
import { isLibrarySpan, libraryFunctions } from './library';
import { formatValue, type Value } from './values';

/** What evaluation can call and what it may spend. */
export interface EvalEnv {
  /** The value functions in scope: the file's own, then the library's. */
  readonly fns: ReadonlyMap<string, ast.FnDecl>;
  /** The file's work budget: every function call is counted, so no input makes evaluation slow. */
  readonly budget: Budget;
  /** Functions being evaluated, outermost first: calling one of them again is a cycle. */
  readonly stack: string[];
}

type Evaluate = (expr: ast.Expr, params: ReadonlyMap<string, ParamBinding>, diags: Diagnostic[], env: EvalEnv) => Value | undefined;

/** An environment with the library's functions and a budget of its own, for values evaluated outside lowering. */
export function defaultEnv(diags: Diagnostic[]): EvalEnv {
  return { fns: libraryFunctions(), budget: new Budget(diags), stack: [] };
}

/** An environment for one file: its own functions shadow none of the library's (duplicates are reported). */
export function fileEnv(fns: ReadonlyMap<string, ast.FnDecl>, budget: Budget): EvalEnv {
  return { fns: new Map([...libraryFunctions(), ...fns]), budget, stack: [] };
}

interface Builtin {
  readonly params: readonly string[];
  /** Takes any number (at least one) of arguments. */
  readonly variadic?: boolean;
  readonly doc: string;
  readonly apply: (xs: readonly number[]) => number | string;
}

/** The built-in value functions; a string result is the reason the arguments are out of the function's domain. */
export const BUILTINS: Readonly<Record<string, Builtin>> = {
  min: { params: ['a', 'b', '…'], variadic: true, doc: 'The smallest of its arguments.', apply: (xs) => Math.min(...xs) },
  max: { params: ['a', 'b', '…'], variadic: true, doc: 'The largest of its arguments.', apply: (xs) => Math.max(...xs) },
  round: { params: ['x'], doc: 'The nearest integer; halves go to the even neighbour, as in Python 3 (`round(2.5)` is 2).', apply: ([x]) => roundHalfEven(x) },
  floor: { params: ['x'], doc: 'The largest integer not above `x`.', apply: ([x]) => Math.floor(x) },
  ceil: { params: ['x'], doc: 'The smallest integer not below `x`.', apply: ([x]) => Math.ceil(x) },
  abs: { params: ['x'], doc: 'The absolute value of `x`.', apply: ([x]) => Math.abs(x) },
  int: { params: ['x'], doc: 'The integer part of `x`, rounded toward zero (`int(-2.5)` is -2).', apply: ([x]) => Math.trunc(x) },
  sqrt: { params: ['x'], doc: 'The square root of `x`.', apply: ([x]) => (x < 0 ? `sqrt() needs a number that is not negative, got ${x}.` : Math.sqrt(x)) },
  log: { params: ['x'], doc: 'The natural logarithm of `x`.', apply: ([x]) => (x <= 0 ? `log() needs a positive number, got ${x}.` : Math.log(x)) },
  pow: { params: ['x', 'y'], doc: '`x` raised to the power `y`.', apply: ([x, y]) => Math.pow(x, y) },
};

export function isBuiltin(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(BUILTINS, name);
}

/** Python 3's `round(x)`: to the nearest integer, halves to the even one. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff === 0.5) return floor % 2 === 0 ? floor : floor + 1;
  return diff < 0.5 ? floor : floor + 1;
}

/** Calls the built-in or the Stride function `call` names, its arguments evaluated in the caller's scope. */
export function callFunction(
  call: ast.CallExpr,
  params: ReadonlyMap<string, ParamBinding>,
  diags: Diagnostic[],
  env: EvalEnv,
  evaluate: Evaluate,
): Value | undefined {
  const fn = env.fns.get(call.callee.name);
  const value = fn ? callStride(fn, call, params, diags, env, evaluate) : callBuiltin(call, params, diags, env, evaluate);
  return value && { ...value, span: call.span };
}

function callBuiltin(call: ast.CallExpr, params: ReadonlyMap<string, ParamBinding>, diags: Diagnostic[], env: EvalEnv, evaluate: Evaluate): Value | undefined {
  const name = call.callee.name;
  const b = BUILTINS[name];
  const named = call.args.find((a) => a.name);
  if (named) return fail(named.span, `${name}() takes its arguments by position, not by name.`, diags);
  const n = call.args.length;
  if (b.variadic ? n === 0 : n !== b.params.length) {
    const wanted = b.variadic ? 'at least one argument' : `${b.params.length} argument${b.params.length === 1 ? '' : 's'} (${b.params.join(', ')})`;
    return fail(call.span, `${name}() takes ${wanted}, got ${n}.`, diags);
  }
  const xs: number[] = [];
  for (const arg of call.args) {
    const v = evaluate(arg.value, params, diags, env);
    if (!v) return undefined;
    if (v.kind !== 'number') return fail(arg.span, `${name}() needs numbers, got ${formatValue(v)}.`, diags);
    xs.push(v.value);
  }
  const result = b.apply(xs);
  if (typeof result === 'string') return fail(call.span, result, diags);
  if (!Number.isFinite(result)) return fail(call.span, `The result of ${name}() is too large to represent.`, diags);
  return { kind: 'number', value: result, span: call.span };
}

/** Calls a function written in Stride: binds its arguments, evaluates its defaults and local names in order, then its result. */
function callStride(
  fn: ast.FnDecl,
  call: ast.CallExpr,
  outer: ReadonlyMap<string, ParamBinding>,
  diags: Diagnostic[],
  env: EvalEnv,
  evaluate: Evaluate,
): Value | undefined {
  const name = fn.name.name;
  if (env.stack.includes(name)) return cycle(fn, call, env, diags);
  if (!env.budget.fnCall([...env.stack, name], call.callee.span)) return undefined;
  const firstDiagnostic = diags.length;
  env.stack.push(name);
  try {
    const scope = bindFnArgs(fn, call, outer, diags, env, evaluate);
    if (!scope) return undefined;
    for (const local of fn.locals) {
      const v = evaluate(local.value, scope, diags, env);
      // The first problem explains the call; what depends on a failed value would only repeat it.
      if (!v) return undefined;
      scope.set(local.name.name, { value: v });
    }
    return evaluate(fn.result, scope, diags, env);
  } finally {
    env.stack.pop();
    if (isLibrarySpan(fn.span) && !isLibrarySpan(call.span)) pinDiagnostics(diags, firstDiagnostic, call.span);
  }
}

/** Binds a function's arguments (by the one binder), then its defaults in order; undefined when one is missing. */
function bindFnArgs(
  fn: ast.FnDecl,
  call: ast.CallExpr,
  outer: ReadonlyMap<string, ParamBinding>,
  diags: Diagnostic[],
  env: EvalEnv,
  evaluate: Evaluate,
): Map<string, ParamBinding> | undefined {
  const scope = new Map<string, ParamBinding>();
  const slots = fn.params.map((p) => ({ name: p.name.name }));
  let ok = true;
  matchArgs(
    slots,
    call.args,
    fnMisfits(fn),
    (d) => void diags.push(d),
    (slot, arg) => {
      const v = evaluate(arg.value, outer, diags, env);
      ok &&= v !== undefined;
      scope.set(slot.name, v ? { value: v } : { tensor: null });
    },
  );
  for (const param of fn.params) {
    if (scope.has(param.name.name) || param.name.missing) continue;
    if (param.default) {
      const v: Value | undefined = ok ? evaluate(param.default, scope, diags, env) : undefined;
      ok &&= v !== undefined;
      scope.set(param.name.name, v ? { value: v } : { tensor: null });
      continue;
    }
    ok = false;
    diags.push({
      code: 'missing-argument',
      severity: 'error',
      message: `${fn.name.name}() needs '${param.name.name}' (it takes ${formatFnParams(fn)}).`,
      span: call.callee.span,
      related: isLibrarySpan(param.span) ? undefined : [{ span: param.span, message: `'${param.name.name}' declared here` }],
    });
  }
  return ok ? scope : undefined;
}

function fnMisfits(fn: ast.FnDecl): Misfits<ast.Arg> {
  const what = `${fn.name.name}()`;
  return {
    unknown: (arg) => ({
      code: 'unknown-argument',
      severity: 'error',
      message: `${what} has no parameter '${arg.name!.name}'; it takes ${formatFnParams(fn)}.`,
      span: arg.name!.span,
    }),
    tooMany: (arg) => ({
      code: 'too-many-arguments',
      severity: 'error',
      message: `${what} takes ${fn.params.length} argument${fn.params.length === 1 ? '' : 's'} (${formatFnParams(fn)}).`,
      span: arg.span,
      fixes: [{ title: 'Remove this argument', edits: [{ span: arg.span, newText: '' }] }],
    }),
    duplicate: (name, arg) => ({ code: 'duplicate-argument', severity: 'error', message: `Argument '${name}' of ${what} is given twice.`, span: arg.span }),
  };
}

/** `v, divisor = …, min_value = …`: a function's parameters for messages. */
export function formatFnParams(fn: ast.FnDecl): string {
  return fn.params.length === 0 ? 'no arguments' : fn.params.map((p) => (p.default ? `${p.name.name} = …` : p.name.name)).join(', ');
}

function cycle(fn: ast.FnDecl, call: ast.CallExpr, env: EvalEnv, diags: Diagnostic[]): undefined {
  const name = fn.name.name;
  const chain = [...env.stack.slice(env.stack.indexOf(name)), name].join(' → ');
  diags.push({
    code: 'cycle',
    severity: 'error',
    message: `Function '${name}' calls itself (${chain}); functions cannot recurse.`,
    span: call.callee.span,
    related: isLibrarySpan(fn.name.span) ? undefined : [{ span: fn.name.span, message: `'${name}' is defined here` }],
  });
  return undefined;
}

/** Problems found inside a library function point at the call in the user's text. */
function pinDiagnostics(diags: Diagnostic[], from: number, site: Span): void {
  for (let i = from; i < diags.length; i++) {
    const d = diags[i];
    if (!isLibrarySpan(d.span)) continue;
    diags[i] = { ...d, span: site, related: d.related?.filter((r) => !isLibrarySpan(r.span)), fixes: undefined };
  }
}

function fail(at: Span, message: string, diags: Diagnostic[]): undefined {
  diags.push({ code: 'invalid-expression', severity: 'error', message, span: at });
  return undefined;
}
