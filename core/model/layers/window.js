"use strict";
// Sliding-window helpers shared by convolutions and pooling of any rank: output lengths, validity, receptive field.
Object.defineProperty(exports, "__esModule", { value: true });
exports.prod = exports.kernelText = exports.area = void 0;
exports.windowOf = windowOf;
exports.slide = slide;
exports.rfOf = rfOf;
const shape_math_1 = require("../shape-math");
/** Reads kernel/stride/dilation/padding; `kernelArg` names the window argument (`kernel` or `pool`). */
function windowOf(ctx, kernelArg = 'kernel') {
    const kernel = (0, shape_math_1.asNums)(ctx.args[kernelArg]);
    const stride = ctx.args.stride === null || ctx.args.stride === undefined ? kernel : (0, shape_math_1.asNums)(ctx.args.stride);
    return {
        kernel,
        stride,
        dilation: ctx.args.dilation === undefined ? kernel.map(() => 1) : (0, shape_math_1.asNums)(ctx.args.dilation),
        padding: (ctx.args.padding ?? 'valid'),
    };
}
/** Output spatial dims of a sliding window, or a problem when one would be ≤ 0 or the window is unrunnable. */
function slide(spatial, w) {
    const conflict = strideDilationConflict(w);
    if (conflict)
        return { problem: conflict };
    const out = spatial.map((d, i) => (0, shape_math_1.convOutputLength)(d, w.kernel[i], w.padding, w.stride[i], w.dilation[i]));
    const problem = (0, shape_math_1.checkPositive)(out, spatial, w.kernel, w.padding);
    return problem ? { problem } : out;
}
/** TensorFlow's kernels (and so tfjs and Keras) run either strided or dilated windows, never both at once. */
function strideDilationConflict(w) {
    if (w.stride.every((s) => s === 1) || w.dilation.every((d) => d === 1))
        return undefined;
    return {
        code: 'invalid-argument',
        arg: 'dilation',
        message: `stride (${w.stride.join(', ')}) and dilation (${w.dilation.join(', ')}) cannot both exceed 1: TensorFlow convolutions support one or the other.`,
    };
}
function rfOf(spatial, w) {
    return {
        kind: 'window',
        kernel: w.kernel,
        stride: w.stride,
        dilation: w.dilation,
        padStart: spatial.map((d, i) => (0, shape_math_1.padStart)(d, w.kernel[i], w.padding, w.stride[i], w.dilation[i])),
    };
}
/** Product of the known dims; unknown dims count as 0 so MACs of unknown-size inputs stay 0, not NaN. */
const area = (dims) => dims.reduce((p, d) => p * (d ?? 0), 1);
exports.area = area;
const kernelText = (k) => k.join('·');
exports.kernelText = kernelText;
const prod = (k) => k.reduce((a, b) => a * b, 1);
exports.prod = prod;
//# sourceMappingURL=window.js.map