// The analysis work budget: how far block expansion and repetition may go before lowering stops with one diagnostic.

import type { Diagnostic } from '../diagnostics';
import type { Span } from '../syntax/span';

/**
 * The limits, per analysed file. They sit far above real networks (ResNet-152 has ~500 layers and nests blocks
 * three deep) and far below what exhausts a machine: a 64-character file can otherwise ask for 2^400 layers,
 * a call chain deep enough to overflow the stack, or names that grow with nesting depth.
 */
export const LIMITS = {
  /** Layers produced by lowering, counted over every model of the file. */
  layers: 100_000,
  /** Block calls expanded, counted over every model: an empty block repeated still costs work. */
  blockCalls: 100_000,
  /** Statements lowered, counting each time a block body runs: bodies that make no layer still cost work. */
  statements: 1_000_000,
  /** Problems found before deduplication: a broken block used many times repeats its problems per call. */
  diagnostics: 200_000,
  /** Block calls inside block calls, and value-function calls inside value-function calls. */
  depth: 64,
  /** Value-function calls evaluated, counted over the file: a chain of functions each calling the next twice doubles per step. */
  fnCalls: 200_000,
  /** Characters of all layer and block instance names together: names carry one prefix per nesting level. */
  nameCharacters: 20_000_000,
} as const;

const count = (n: number) => n.toLocaleString('en-US');

export interface BudgetCounts {
  readonly layers: number;
  readonly blockCalls: number;
  readonly nameCharacters: number;
  readonly statements: number;
  readonly fnCalls: number;
  readonly exhausted: boolean;
}

/** Counts the work of lowering one file; once a limit is passed it reports once and every later step stops. */
export class Budget {
  private layers = 0;
  private blockCalls = 0;
  private nameCharacters = 0;
  private statements = 0;
  private fnCalls = 0;
  private exhausted = false;

  constructor(private readonly diagnostics: Diagnostic[]) {}

  /** The counts so far, for resuming an analysis at this point (core/model/lower-resume.ts). */
  counts(): BudgetCounts {
    const { layers, blockCalls, nameCharacters, statements, fnCalls, exhausted } = this;
    return { layers, blockCalls, nameCharacters, statements, fnCalls, exhausted };
  }

  /** A budget that continues from `counts`, reporting into `diagnostics`. */
  static resumed(diagnostics: Diagnostic[], counts: BudgetCounts): Budget {
    const budget = new Budget(diagnostics);
    Object.assign(budget, counts);
    return budget;
  }

  /** Whether a limit was passed: lowering then produces no more layers and expands no more blocks. */
  get stopped(): boolean {
    return this.exhausted;
  }

  /** Accounts one statement about to be lowered; false when that passes a limit. */
  statement(at: Span): boolean {
    if (this.exhausted) return false;
    if (this.statements >= LIMITS.statements)
      return this.stop(`Expansion passes ${count(LIMITS.statements)} statements, the limit for one file; it stopped here.`, at);
    this.statements++;
    if (this.diagnostics.length <= LIMITS.diagnostics) return true;
    return this.stop(`Expansion found more than ${count(LIMITS.diagnostics)} problems, the limit for one file; it stopped here.`, at);
  }

  /** Accounts one layer named `name`; false (after one diagnostic at `at`) when that passes a limit. */
  layer(name: string, at: Span): boolean {
    if (this.exhausted) return false;
    if (this.layers >= LIMITS.layers) return this.stop(`Expansion passes ${count(LIMITS.layers)} layers, the limit for one file; it stopped here.`, at);
    this.layers++;
    return this.name(name, at);
  }

  /** Accounts one block call `depth` calls deep producing instance `instance`; false when that passes a limit. */
  blockCall(instance: string, depth: number, chain: readonly string[], at: Span): boolean {
    if (this.exhausted) return false;
    if (depth > LIMITS.depth) {
      return this.stop(`Block calls nest ${count(depth)} deep (${shortChain(chain)}); the limit is ${LIMITS.depth}; expansion stopped here.`, at);
    }
    if (this.blockCalls >= LIMITS.blockCalls) {
      return this.stop(`Expansion passes ${count(LIMITS.blockCalls)} block calls, the limit for one file; it stopped here.`, at);
    }
    this.blockCalls++;
    return this.name(instance, at);
  }

  /** Accounts one value-function call, `chain` being the calls it is nested in and itself; false when that passes a limit. */
  fnCall(chain: readonly string[], at: Span): boolean {
    if (this.exhausted) return false;
    if (chain.length > LIMITS.depth) {
      return this.stop(`Function calls nest ${count(chain.length)} deep (${shortChain(chain)}); the limit is ${LIMITS.depth}; evaluation stopped here.`, at);
    }
    if (this.fnCalls >= LIMITS.fnCalls) {
      return this.stop(`Evaluation passes ${count(LIMITS.fnCalls)} function calls, the limit for one file; it stopped here.`, at);
    }
    this.fnCalls++;
    return true;
  }

  /** The diagnostic for a repetition count over the layer limit (it is a positive integer, just too many). */
  static tooManyRepeats(times: number, at: Span): Diagnostic {
    return {
      code: 'too-large',
      severity: 'error',
      message: `A repetition count of ${count(times)} is over the limit: a model expands to at most ${count(LIMITS.layers)} layers.`,
      span: at,
    };
  }

  private name(name: string, at: Span): boolean {
    this.nameCharacters += name.length;
    if (this.nameCharacters <= LIMITS.nameCharacters) return true;
    return this.stop(`Layer names pass ${count(LIMITS.nameCharacters)} characters in total, the limit for one file; expansion stopped here.`, at);
  }

  private stop(message: string, at: Span): false {
    this.exhausted = true;
    this.diagnostics.push({ code: 'too-large', severity: 'error', message, span: at });
    return false;
  }
}

/** A call chain for a message: the first and last few names, so a 1,000-deep chain stays one short line. */
function shortChain(chain: readonly string[]): string {
  return chain.length <= 6 ? chain.join(' → ') : [...chain.slice(0, 3), '…', ...chain.slice(-3)].join(' → ');
}
