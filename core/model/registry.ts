// The layer registry: each layer kind is data (argument schema, docs) plus pure shape/parameter/MAC math.

import type { DiagnosticCode } from '../diagnostics';
import type { Shape } from './values';

/** An argument value after validation and defaulting. */
export type ArgValue = number | boolean | string | readonly number[] | null;
export type ResolvedArgs = Readonly<Record<string, ArgValue>>;

export type ArgType =
  | { readonly type: 'int'; readonly min?: number; readonly max?: number }
  | { readonly type: 'float'; readonly min?: number; readonly max?: number; readonly exclusiveMin?: boolean }
  | { readonly type: 'bool' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  /**
   * Window padding: one of the words, or numbers in PyTorch's sense: `P` on both sides of every spatial axis, one per
   * axis, or one per side (before, after for each axis in turn). Bound as the word, or as the per-side list.
   */
  | { readonly type: 'padding'; readonly values: readonly string[] }
  /** An int or a tuple of ints, one per spatial axis (`3` means `(3, 3)` for a 2-D layer). */
  | { readonly type: 'ints'; readonly min?: number }
  /** A tuple of dimensions; `-1` allowed where `wildcard` is set (reshape). */
  | { readonly type: 'dims'; readonly wildcard?: boolean }
  | { readonly type: 'string' }
  /** Tensor references (merge inputs); resolved by lowering, not by argument validation. */
  | { readonly type: 'tensors' };

export interface ArgSpec {
  readonly name: string;
  readonly type: ArgType;
  readonly doc: string;
  /** Omitted: the argument is required (unless `rest`). */
  readonly default?: ArgValue;
  /** Collects all remaining positional arguments (input dims, merge inputs). */
  readonly rest?: boolean;
  /** Named only: never filled from a positional argument. */
  readonly namedOnly?: boolean;
}

export type LayerCategory =
  | 'input'
  | 'convolution'
  | 'pooling'
  | 'normalization'
  | 'regularization'
  | 'core'
  | 'activation'
  | 'merge'
  | 'spatial'
  | 'recurrent'
  | 'attention';

/** A fix described without source positions; the analyzer turns it into text edits. */
export type SymbolicFix =
  | { readonly kind: 'set-arg'; readonly title: string; readonly arg: string; readonly value: string }
  | { readonly kind: 'insert-before'; readonly title: string; readonly text: string }
  | { readonly kind: 'project-input'; readonly title: string; readonly input: number; readonly filters: number; readonly stride: number };

export interface Problem {
  readonly code: DiagnosticCode;
  readonly message: string;
  /** The argument the problem is about, so the diagnostic can point at it. */
  readonly arg?: string;
  readonly fixes?: readonly SymbolicFix[];
}

export interface ParamCount {
  readonly trainable: number;
  readonly nonTrainable: number;
  /** Human-readable derivation, e.g. `(3·3·64 + 1)·128 = 73,856`. */
  readonly formula: string;
}

/** How a layer maps receptive fields, per spatial axis. */
export type RfOp =
  | {
      readonly kind: 'window';
      readonly kernel: readonly number[];
      readonly stride: readonly number[];
      readonly dilation: readonly number[];
      readonly padStart: readonly number[];
    }
  /** Output positions see their whole input (dense after flatten, global pooling). */
  | { readonly kind: 'global' }
  /** Upsampling by an integer factor: the jump shrinks. */
  | { readonly kind: 'upsample'; readonly factor: readonly number[] };

export interface Inferred {
  readonly shape: Shape;
  readonly params?: ParamCount;
  readonly macs?: number;
  readonly rf?: RfOp;
  /** How a merge stretched its inputs (`(None, 1, 1, 16) broadcast to (None, 8, 8, 16).`), for hover. */
  readonly broadcast?: string;
}

export interface InferContext {
  readonly inputs: readonly Shape[];
  readonly args: ResolvedArgs;
}

export interface LayerDef {
  readonly kind: string;
  readonly aliases?: readonly string[];
  readonly category: LayerCategory;
  /** One sentence shown in completion and hover. */
  readonly summary: string;
  /** How parameters are counted, in words; shown in hover. */
  readonly paramsDoc?: string;
  readonly args: readonly ArgSpec[];
  /** 0: a source (input); 1: one input; 'many': a merge of two or more tensors. */
  readonly arity: 0 | 1 | 'many';
  /** Rank of each input, batch excluded (conv2d: 3); checked centrally. */
  readonly inputRank?: number | { readonly min: number; readonly max?: number };
  /** Number of spatial axes, for `ints` arguments (conv2d: 2). */
  readonly spatialRank?: number;
  readonly infer: (ctx: InferContext) => Inferred | { readonly problem: Problem };
  /** Activation layers: the function they apply (`relu()` is `activation(relu)`). */
  readonly activationFn?: string;
}

export class LayerRegistry {
  private readonly byName = new Map<string, LayerDef>();
  private readonly defs: LayerDef[] = [];

  register(...defs: LayerDef[]): this {
    for (const def of defs) {
      for (const name of [def.kind, ...(def.aliases ?? [])]) {
        if (this.byName.has(name)) throw new Error(`layer '${name}' registered twice`);
        this.byName.set(name, def);
      }
      this.defs.push(def);
    }
    return this;
  }

  get(name: string): LayerDef | undefined {
    return this.byName.get(name);
  }

  /** Every canonical kind, in registration order. */
  all(): readonly LayerDef[] {
    return this.defs;
  }

  /** Every callable name, aliases included. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}
