"use strict";
// Transposed convolutions of rank 1–3 (learned upsampling), with Keras/tfjs output-length rules.
Object.defineProperty(exports, "__esModule", { value: true });
exports.convTransposeLayers = void 0;
const values_1 = require("../values");
const shape_math_1 = require("../shape-math");
const common_1 = require("./common");
const conv_1 = require("./conv");
const window_1 = require("./window");
function inferTranspose(ctx) {
    const input = ctx.inputs[0];
    const w = (0, window_1.windowOf)(ctx);
    // tfjs silently ignores dilation in transposed convolutions, so a model using it would not train as written.
    if (w.dilation.some((d) => d !== 1)) {
        return {
            problem: { code: 'invalid-argument', arg: 'dilation', message: `Transposed convolutions support only dilation 1, got (${w.dilation.join(', ')}).` },
        };
    }
    const cin = (0, common_1.channelsOf)(input);
    const filters = (0, shape_math_1.asNum)(ctx.args.filters);
    const spatial = input.slice(0, -1);
    const out = spatial.map((d, i) => (0, shape_math_1.deconvLength)(d, w.kernel[i], w.padding, w.stride[i]));
    const kArea = (0, window_1.prod)(w.kernel);
    const bias = ctx.args.bias === true;
    const total = (kArea * (cin ?? 0) + (bias ? 1 : 0)) * filters;
    const formula = bias
        ? `(${(0, window_1.kernelText)(w.kernel)}·${cin} + 1)·${filters} = ${(0, values_1.formatInt)(total)}`
        : `${(0, window_1.kernelText)(w.kernel)}·${cin}·${filters} = ${(0, values_1.formatInt)(total)}`;
    return {
        shape: [...out, filters],
        params: { trainable: total, nonTrainable: 0, formula },
        // Every input position scatters a kernel-sized patch of `filters` channels.
        macs: (0, window_1.area)(spatial) * kArea * (cin ?? 0) * filters,
        rf: { kind: 'upsample', factor: w.stride },
    };
}
const KERNEL = ['', 'k', 'k_h·k_w', 'k_d·k_h·k_w'];
function transposeDef(rank, aliases) {
    return {
        kind: `conv${rank}d_transpose`,
        aliases,
        category: 'convolution',
        summary: `Transposed ${rank}-D convolution (learned upsampling): output = input·stride (same) or input·stride + max(k − stride, 0) (valid).`,
        paramsDoc: `(${KERNEL[rank]}·C_in + 1)·filters; no \`+ 1\` without bias.`,
        args: [conv_1.filtersArg, common_1.kernelArg, common_1.strideArg, common_1.paddingArg, common_1.dilationArg, common_1.biasArg, common_1.activationArg, ...common_1.regularizerArgs],
        arity: 1,
        inputRank: rank + 1,
        spatialRank: rank,
        infer: inferTranspose,
    };
}
exports.convTransposeLayers = [
    transposeDef(1, ['conv1dtranspose', 'deconv1d']),
    transposeDef(2, ['conv2dtranspose', 'deconv2d']),
    transposeDef(3, ['conv3dtranspose', 'deconv3d']),
];
//# sourceMappingURL=conv-transpose.js.map