import type { ArgSpec } from '../registry';
export declare const ACTIVATIONS: readonly ["linear", "relu", "relu6", "sigmoid", "hard_sigmoid", "tanh", "softmax", "softplus", "softsign", "elu", "selu", "gelu", "swish", "silu", "mish"];
export declare const kernelArg: ArgSpec;
export declare const strideArg: ArgSpec;
export declare const paddingArg: ArgSpec;
export declare const causalPaddingArg: ArgSpec;
export declare const dilationArg: ArgSpec;
export declare const biasArg: ArgSpec;
export declare const activationArg: ArgSpec;
export declare const regularizerArgs: ArgSpec[];
/** Spatial shape check shared by conv and pooling: rank is verified centrally, here only channels. */
export declare function channelsOf(shape: readonly (number | null)[]): number | null;
