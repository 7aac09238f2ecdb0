"use strict";
// Layers that rearrange values without weights: axis permutation and vector repetition.
Object.defineProperty(exports, "__esModule", { value: true });
exports.shapeOpLayers = void 0;
const shape_math_1 = require("../shape-math");
/** Keras Permute: `dims` lists every non-batch axis once, counting from 1. */
function inferPermute(ctx) {
    const input = ctx.inputs[0];
    const dims = (0, shape_math_1.asNums)(ctx.args.dims);
    const sorted = [...dims].sort((a, b) => a - b);
    if (dims.length !== input.length || sorted.some((d, i) => d !== i + 1)) {
        const want = input.map((_, i) => i + 1).join(', ');
        return {
            problem: {
                code: 'invalid-argument',
                arg: 'dims',
                message: `permute() needs each of the axes ${want} exactly once (batch excluded), got (${dims.join(', ')}).`,
            },
        };
    }
    return { shape: dims.map((d) => input[d - 1]) };
}
function inferRepeat(ctx) {
    const n = (0, shape_math_1.asNum)(ctx.args.n);
    return { shape: [n, ctx.inputs[0][0]] };
}
exports.shapeOpLayers = [
    {
        kind: 'permute',
        category: 'core',
        summary: 'Reorders the non-batch axes, e.g. permute(2, 1) swaps time and features.',
        args: [{ name: 'dims', type: { type: 'dims' }, rest: true, doc: 'New order of the axes, counting from 1 (batch excluded).' }],
        arity: 1,
        inputRank: { min: 1 },
        infer: inferPermute,
    },
    {
        kind: 'repeat_vector',
        aliases: ['repeatvector', 'repeat'],
        category: 'core',
        summary: 'Repeats a vector n times: (features) → (n, features), e.g. to feed a decoder RNN.',
        args: [{ name: 'n', type: { type: 'int', min: 1 }, doc: 'Number of repetitions.' }],
        arity: 1,
        inputRank: 1,
        infer: inferRepeat,
    },
];
//# sourceMappingURL=shape-ops.js.map