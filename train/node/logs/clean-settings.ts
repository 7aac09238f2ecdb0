// The training settings as a log records them: the values a person set, without the analysis's source positions.

/** Keys that locate text in the model file; they mean nothing in a log and change with every edit above them. */
const INTERNAL_KEYS = new Set(['span', 'nameSpan', 'keySpan', 'related']);

/** A deep copy holding only plain values (numbers, strings, booleans, arrays, objects) and no internal keys. */
export function cleanSettings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cleanSettings);
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (INTERNAL_KEYS.has(key) || v === undefined) continue;
    out[key] = cleanSettings(v);
  }
  return out;
}
