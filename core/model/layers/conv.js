"use strict";
// Convolutions of rank 1–3: plain (with groups), depthwise and separable, with Keras/tfjs shape and parameter rules.
Object.defineProperty(exports, "__esModule", { value: true });
exports.convLayers = exports.filtersArg = void 0;
const values_1 = require("../values");
const shape_math_1 = require("../shape-math");
const common_1 = require("./common");
const window_1 = require("./window");
function inferConv(ctx) {
    const input = ctx.inputs[0];
    const w = (0, window_1.windowOf)(ctx);
    const cin = (0, common_1.channelsOf)(input);
    const filters = (0, shape_math_1.asNum)(ctx.args.filters);
    const groups = (0, shape_math_1.asNum)(ctx.args.groups);
    if (cin !== null && cin % groups !== 0) {
        return { problem: { code: 'invalid-argument', arg: 'groups', message: `groups (${groups}) must divide the input channels (${cin}).` } };
    }
    if (filters % groups !== 0) {
        return { problem: { code: 'invalid-argument', arg: 'groups', message: `groups (${groups}) must divide filters (${filters}).` } };
    }
    const spatial = input.slice(0, -1);
    const out = (0, window_1.slide)(spatial, w);
    if ('problem' in out)
        return out;
    const bias = ctx.args.bias === true;
    const perFilter = cin === null ? 0 : ((0, window_1.prod)(w.kernel) * cin) / groups;
    const total = (perFilter + (bias ? 1 : 0)) * filters;
    const cinText = groups === 1 ? `${cin}` : `${cin}/${groups}`;
    const formula = bias
        ? `(${(0, window_1.kernelText)(w.kernel)}·${cinText} + 1)·${filters} = ${(0, values_1.formatInt)(total)}`
        : `${(0, window_1.kernelText)(w.kernel)}·${cinText}·${filters} = ${(0, values_1.formatInt)(total)}`;
    return {
        shape: [...out, filters],
        params: { trainable: total, nonTrainable: 0, formula },
        macs: (0, window_1.area)(out) * perFilter * filters,
        rf: (0, window_1.rfOf)(spatial, w),
    };
}
function inferDepthwise(ctx) {
    const input = ctx.inputs[0];
    const w = (0, window_1.windowOf)(ctx);
    const cin = (0, common_1.channelsOf)(input);
    const mult = (0, shape_math_1.asNum)(ctx.args.depth_multiplier);
    const spatial = input.slice(0, -1);
    const out = (0, window_1.slide)(spatial, w);
    if ('problem' in out)
        return out;
    const kArea = (0, window_1.prod)(w.kernel);
    const cout = cin === null ? null : cin * mult;
    const bias = ctx.args.bias === true;
    const total = cin === null ? 0 : kArea * cin * mult + (bias ? cin * mult : 0);
    const m = mult === 1 ? '' : `·${mult}`;
    const formula = bias ? `(${(0, window_1.kernelText)(w.kernel)} + 1)·${cin}${m} = ${(0, values_1.formatInt)(total)}` : `${(0, window_1.kernelText)(w.kernel)}·${cin}${m} = ${(0, values_1.formatInt)(total)}`;
    return {
        shape: [...out, cout],
        params: { trainable: total, nonTrainable: 0, formula },
        macs: (0, window_1.area)(out) * kArea * (cout ?? 0),
        rf: (0, window_1.rfOf)(spatial, w),
    };
}
function inferSeparable(ctx) {
    const input = ctx.inputs[0];
    const w = (0, window_1.windowOf)(ctx);
    const cin = (0, common_1.channelsOf)(input) ?? 0;
    const mult = (0, shape_math_1.asNum)(ctx.args.depth_multiplier);
    const filters = (0, shape_math_1.asNum)(ctx.args.filters);
    const spatial = input.slice(0, -1);
    const out = (0, window_1.slide)(spatial, w);
    if ('problem' in out)
        return out;
    const kArea = (0, window_1.prod)(w.kernel);
    const bias = ctx.args.bias === true;
    const depthwise = kArea * cin * mult;
    const pointwise = cin * mult * filters;
    const total = depthwise + pointwise + (bias ? filters : 0);
    const m = mult === 1 ? '' : `·${mult}`;
    const formula = `${(0, window_1.kernelText)(w.kernel)}·${cin}${m} + ${cin}${m}·${filters}${bias ? ` + ${filters}` : ''} = ${(0, values_1.formatInt)(total)}`;
    return {
        shape: [...out, filters],
        params: { trainable: total, nonTrainable: 0, formula },
        macs: (0, window_1.area)(out) * (kArea * cin * mult + cin * mult * filters),
        rf: (0, window_1.rfOf)(spatial, w),
    };
}
exports.filtersArg = { name: 'filters', type: { type: 'int', min: 1 }, doc: 'Number of output channels.' };
const multiplierArg = { name: 'depth_multiplier', type: { type: 'int', min: 1 }, default: 1, doc: 'Output channels per input channel.' };
const groupsArg = { name: 'groups', type: { type: 'int', min: 1 }, default: 1, doc: 'Split channels into this many independent groups.' };
const AXES = ['', 'length', 'height and width', 'depth, height and width'];
const KERNEL = ['', 'k', 'k_h·k_w', 'k_d·k_h·k_w'];
/** Keras allows `causal` padding only for 1-D convolutions (sequences), where it pads on the left. */
const paddingFor = (rank) => (rank === 1 ? common_1.causalPaddingArg : common_1.paddingArg);
function convDef(rank) {
    return {
        kind: `conv${rank}d`,
        category: 'convolution',
        summary: `${rank}-D convolution over ${AXES[rank]} (channels-last).`,
        paramsDoc: `(${KERNEL[rank]}·C_in/groups + 1)·filters; no \`+ 1\` without bias.`,
        args: [exports.filtersArg, common_1.kernelArg, common_1.strideArg, paddingFor(rank), common_1.dilationArg, groupsArg, common_1.biasArg, common_1.activationArg, ...common_1.regularizerArgs],
        arity: 1,
        inputRank: rank + 1,
        spatialRank: rank,
        infer: inferConv,
    };
}
function depthwiseDef(rank) {
    return {
        kind: `depthwise_conv${rank}d`,
        aliases: [`depthwiseconv${rank}d`],
        category: 'convolution',
        summary: `Depthwise ${rank}-D convolution: one filter per input channel (times the depth multiplier).`,
        paramsDoc: `(${KERNEL[rank]} + 1)·C_in·multiplier; no \`+ 1\` without bias.`,
        args: [common_1.kernelArg, common_1.strideArg, paddingFor(rank), multiplierArg, common_1.dilationArg, common_1.biasArg, common_1.activationArg, ...common_1.regularizerArgs],
        arity: 1,
        inputRank: rank + 1,
        spatialRank: rank,
        infer: inferDepthwise,
    };
}
function separableDef(rank) {
    return {
        kind: `separable_conv${rank}d`,
        aliases: [`separableconv${rank}d`],
        category: 'convolution',
        summary: `Depthwise ${rank}-D convolution followed by a pointwise (1×1) convolution.`,
        paramsDoc: `${KERNEL[rank]}·C_in·m (depthwise) + C_in·m·filters (pointwise) + filters (bias).`,
        args: [exports.filtersArg, common_1.kernelArg, common_1.strideArg, paddingFor(rank), multiplierArg, common_1.dilationArg, common_1.biasArg, common_1.activationArg, ...common_1.regularizerArgs],
        arity: 1,
        inputRank: rank + 1,
        spatialRank: rank,
        infer: inferSeparable,
    };
}
exports.convLayers = [convDef(1), convDef(2), convDef(3), depthwiseDef(1), depthwiseDef(2), separableDef(1), separableDef(2)];
//# sourceMappingURL=conv.js.map