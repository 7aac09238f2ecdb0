// Diagnostics: the one shape every analysis problem takes, plus the table of stable codes.

import type { Span } from './syntax/span';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A text edit expressed in source offsets. */
export interface Edit {
  readonly span: Span;
  readonly newText: string;
}

/** A machine-readable fix: the server turns it into a quick fix, the CLI prints its title. */
export interface Fix {
  readonly title: string;
  readonly edits: readonly Edit[];
  /** The fix most likely meant; editors may apply it with one key. */
  readonly preferred?: boolean;
}

export interface Related {
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly related?: readonly Related[];
  readonly fixes?: readonly Fix[];
  /** Marks code that is unused, so editors can fade it. */
  readonly unnecessary?: boolean;
}

/**
 * Every code Stride reports, with what it means. Codes are a stable interface: tools and tests match
 * on them, never on messages. docs/language.md mirrors this table.
 */
export const DIAGNOSTIC_CODES = {
  'unexpected-character': 'A character that cannot start any token.',
  'unterminated-string': 'A string literal without its closing quote.',
  'syntax-error': 'The parser expected something else here.',
  'unclosed-bracket': 'An opening bracket without its closing partner.',
  'unknown-layer': 'A call to a name that is neither a layer kind nor a block.',
  'missing-argument': 'A required layer or block argument was not given.',
  'unknown-argument': 'A named argument the layer or block does not take.',
  'duplicate-argument': 'The same argument given twice.',
  'too-many-arguments': 'More positional arguments than the layer or block takes.',
  'invalid-argument': 'An argument of the wrong type or an unknown enum value.',
  'out-of-range': 'A numeric argument outside its allowed range.',
  'non-positive-dimension': 'An output dimension that would be zero or negative (e.g. kernel larger than input).',
  'rank-mismatch': 'A layer applied to a tensor of the wrong rank (e.g. conv2d on a flat tensor).',
  'shape-mismatch': 'Tensors merged (add, concatenate, …) whose shapes do not agree.',
  'invalid-reshape': 'A reshape whose target size differs from the input size.',
  'undefined-name': 'A reference to a tensor, block or model that does not exist.',
  'duplicate-name': 'A name defined twice in the same scope.',
  cycle: 'Blocks that expand into themselves.',
  'unused-layer': 'A layer whose output never reaches a model output.',
  'missing-input': 'A model that does not start with an input layer.',
  'invalid-repeat': 'A repetition count that is not a positive integer.',
  'too-large': 'A model past the analysis work budget: too many layers or block calls, blocks nested too deep, or names too long.',
  'invalid-expression': 'An expression that cannot be evaluated (e.g. division by zero).',
  'invalid-training': 'A training section entry that is missing, unknown or ill-typed.',
  'empty-model': 'A model without layers.',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
