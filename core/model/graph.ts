// The lowered model graph: blocks, repetition and sugar expanded into a flat list of layer nodes.

import type { Span } from '../syntax/span';
import type { ParamBinding } from './eval';
import type { LayerDef, ResolvedArgs } from './registry';
import type { AugmentConfig, NormalizeConfig } from './train-augment';
import type { EarlyStoppingConfig, ScheduleConfig } from './train-schedule';
import type { Value } from './values';

export interface GraphNode {
  readonly id: number;
  /** Unique within the model: the tensor name it was assigned to, else `kind_n`, prefixed by block instances. */
  readonly name: string;
  /** Canonical layer kind, or the unknown name that was called. */
  readonly kind: string;
  readonly def: LayerDef | undefined;
  readonly args: ResolvedArgs;
  readonly argSpans: Readonly<Record<string, Span>>;
  /** Producer node ids, in order. */
  readonly inputs: readonly number[];
  /** The layer call in the source (inside a block body for layers that come from a block). */
  readonly span: Span;
  /** The statement that contains the call. */
  readonly statementSpan: Span;
  /** Where a layer inserted before this one in its chain would go. */
  readonly insertAt: number;
  /** Block call sites that led here, outermost first. */
  readonly callSites: readonly CallSite[];
  /** False when arguments failed to bind or an input was missing: shape unknown, no follow-on errors. */
  readonly valid: boolean;
  /** The tensor name given by `name = …`, if this node is the named end of its statement. */
  readonly target?: string;
  readonly doc?: string;
  /** Expanded from a library block: its spans all point at the user's call, and text fixes do not apply. */
  readonly library?: true;
}

export interface CallSite {
  readonly block: string;
  /** Instance name, unique in the model (`basic_2`): the preview groups by it. */
  readonly instance: string;
  readonly span: Span;
  readonly text: string;
  /** The block's parameters as bound at this call (values, or tensor node ids): exports name things after them. */
  readonly params?: Readonly<Record<string, ParamBinding>>;
  /** The block's doc comment. */
  readonly doc?: string;
}

export interface ModelGraph {
  readonly name: string;
  readonly nameSpan: Span;
  readonly span: Span;
  readonly doc?: string;
  readonly nodes: readonly GraphNode[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
}

/** A `train` section as written: a setting left out (or written wrongly) is absent; ide/train-settings.ts fills defaults. */
export interface TrainConfig {
  readonly model: string;
  readonly span: Span;
  readonly data?: Value;
  /** `args` holds only the settings written; the default learning rate is added where training starts. */
  readonly optimizer?: { readonly name: string; readonly args: Readonly<Record<string, number | boolean>> };
  readonly loss?: string;
  readonly metrics?: readonly string[];
  readonly epochs?: number;
  readonly batch?: number;
  readonly validation?: number;
  readonly seed?: number;
  readonly schedule?: ScheduleConfig;
  readonly earlyStopping?: EarlyStoppingConfig;
  readonly normalize?: NormalizeConfig;
  readonly augment?: readonly AugmentConfig[];
  /** Fine-tuning (core/model/train-tune.ts): layers or block instances left untrained, and until which epoch. */
  readonly freeze?: readonly LayerRef[];
  readonly unfreeze?: number;
  /** Weights to start from, as written (relative to the file's folder). */
  readonly init?: string;
  /** Per-layer learning-rate multipliers: `lr_mult: layers(stem: 0.1)`. */
  readonly lrMult?: readonly (LayerRef & { readonly mult: number })[];
}

/** A layer or block instance named in a train section, where it was written. */
export interface LayerRef {
  readonly name: string;
  readonly span: Span;
}
