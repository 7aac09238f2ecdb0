// Counts as people read them: exact digits grouped by thousands while they are exact, marked approximate beyond.

/** Beyond this a float can no longer hold every integer, so a count's last digits are not trustworthy. */
const EXACT_LIMIT = Number.MAX_SAFE_INTEGER;
/** From here on digits are not grouped at all: exponent notation is shorter (and never gets commas). */
const EXPONENT_FROM = 1e21;

/**
 * 1234567 → "1,234,567". Counts above 2^53 are not exact as floats: they are printed with every digit of the
 * float (through BigInt, so no exponent sneaks in) and marked "≈"; from 1e21 on as "≈3.000e+21". Infinity
 * (a count that overflowed) is "∞". Digits are only ever grouped in plain integer notation.
 */
export function formatCount(n: number): string {
  if (Number.isNaN(n)) return '?';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '-∞';
  const rounded = Math.round(n);
  const abs = Math.abs(rounded);
  if (abs <= EXACT_LIMIT) return group(rounded.toString());
  if (abs < EXPONENT_FROM) return `≈${group(BigInt(rounded).toString())}`;
  return `≈${rounded.toExponential(3)}`;
}

/** An exact count held as a BigInt, grouped. */
export function formatBigCount(n: bigint): string {
  return group(n.toString());
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
