import type { InferContext, Problem, RfOp } from '../registry';
import { type Padding } from '../shape-math';
export interface Window {
    readonly kernel: readonly number[];
    readonly stride: readonly number[];
    readonly dilation: readonly number[];
    readonly padding: Padding;
}
export type Dims = readonly (number | null)[];
/** Reads kernel/stride/dilation/padding; `kernelArg` names the window argument (`kernel` or `pool`). */
export declare function windowOf(ctx: InferContext, kernelArg?: string): Window;
/** Output spatial dims of a sliding window, or a problem when one would be ≤ 0 or the window is unrunnable. */
export declare function slide(spatial: Dims, w: Window): Dims | {
    problem: Problem;
};
export declare function rfOf(spatial: Dims, w: Window): RfOp;
/** Product of the known dims; unknown dims count as 0 so MACs of unknown-size inputs stay 0, not NaN. */
export declare const area: (dims: Dims) => number;
export declare const kernelText: (k: readonly number[]) => string;
export declare const prod: (k: readonly number[]) => number;
