// The one validator kit for every message that crosses a process or page boundary: small checks that throw
// `Invalid`, and `guard()` turning a checker into a total function that returns `Checked<T>`.

/** The outcome of validating untrusted input: the typed value, or why it was rejected. */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export type Obj = Record<string, unknown>;

/** Thrown by the checks below only; `guard` turns it into `{ ok: false }`, and anything else stays a bug. */
export class Invalid extends Error {}

export const fail = (what: string): never => {
  throw new Invalid(what);
};

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const obj = (v: unknown, what: string): Obj => (isObject(v) ? v : fail(`${what} must be an object`));

export const str = (o: Obj, k: string, max = 10_000_000): string => {
  const v = o[k];
  return typeof v === 'string' && v.length <= max ? v : fail(`'${k}' must be a string`);
};

export const bool = (o: Obj, k: string): boolean => (typeof o[k] === 'boolean' ? (o[k] as boolean) : fail(`'${k}' must be a boolean`));

export const int = (o: Obj, k: string, min = 0, max = 2 ** 31): number => {
  const v = o[k];
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fail(`'${k}' must be an integer in [${min}, ${max}]`);
};

export const finiteOrNull = (o: Obj, k: string): number | null => {
  const v = o[k];
  if (v === null) return null;
  return typeof v === 'number' && Number.isFinite(v) ? v : fail(`'${k}' must be a finite number or null`);
};

/** A count or size: finite and not negative, and unlike `int` not capped at 2³¹ (MAC counts pass it). */
export const count = (o: Obj, k: string): number => {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(`'${k}' must be a non-negative number`);
};

export const bytes = (o: Obj, k: string): Uint8Array => (o[k] instanceof Uint8Array ? (o[k] as Uint8Array) : fail(`'${k}' must be a Uint8Array`));

export const oneOf = <T extends string>(o: Obj, k: string, allowed: readonly T[]): T =>
  allowed.includes(o[k] as T) ? (o[k] as T) : fail(`'${k}' must be one of ${allowed.join(', ')}`);

/** A list of strings, each at most `maxLength` long, with at most `maxItems` entries. */
export const strings = (o: Obj, k: string, maxItems = 100_000, maxLength = 10_000): string[] => {
  const v = o[k];
  return Array.isArray(v) && v.length <= maxItems && v.every((s) => typeof s === 'string' && s.length <= maxLength)
    ? (v as string[])
    : fail(`'${k}' must be a list of at most ${maxItems} strings`);
};

/** Exhaustiveness: adding a message type without a case is a compile error where this is called. */
export function unknownType(type: never): never {
  return fail(`unknown message type ${JSON.stringify(type)}`);
}

/** Turns a throwing checker into a total one: never throws for bad input, only for bugs. */
export function guard<T>(check: (v: unknown) => T): (v: unknown) => Checked<T> {
  return (v) => {
    try {
      return { ok: true, value: check(v) };
    } catch (e) {
      if (e instanceof Invalid) return { ok: false, error: e.message };
      throw e;
    }
  };
}
