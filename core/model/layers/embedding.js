"use strict";
// Embeddings: token ids → learned vectors, and learned position vectors added to a sequence.
Object.defineProperty(exports, "__esModule", { value: true });
exports.embeddingLayers = void 0;
const values_1 = require("../values");
const shape_math_1 = require("../shape-math");
const common_1 = require("./common");
function inferEmbedding(ctx) {
    const input = ctx.inputs[0];
    const [vocab, dim] = [(0, shape_math_1.asNum)(ctx.args.vocab), (0, shape_math_1.asNum)(ctx.args.dim)];
    const total = vocab * dim;
    return { shape: [...input, dim], params: { trainable: total, nonTrainable: 0, formula: `${vocab}·${dim} = ${(0, values_1.formatInt)(total)}` } };
}
/** Keras-NLP PositionEmbedding: one learned vector per position up to `length`, added to the input. */
function inferPositional(ctx) {
    const input = ctx.inputs[0];
    const length = (0, shape_math_1.asNum)(ctx.args.length);
    const steps = input[0];
    if (steps !== null && steps > length)
        return { problem: { code: 'out-of-range', arg: 'length', message: `The sequence has ${steps} positions but the embedding only ${length}.` } };
    const dim = (0, common_1.channelsOf)(input) ?? 0;
    const total = length * dim;
    return { shape: input, params: { trainable: total, nonTrainable: 0, formula: `${length}·${dim} = ${(0, values_1.formatInt)(total)}` } };
}
exports.embeddingLayers = [
    {
        kind: 'embedding',
        category: 'core',
        summary: 'Maps integer token ids (0 … vocab − 1) to learned vectors: (length) → (length, dim).',
        paramsDoc: 'vocab·dim.',
        args: [
            { name: 'vocab', type: { type: 'int', min: 1 }, doc: 'Number of distinct ids (Keras input_dim).' },
            { name: 'dim', type: { type: 'int', min: 1 }, doc: 'Vector size (Keras output_dim).' },
        ],
        arity: 1,
        inputRank: { min: 1 },
        infer: inferEmbedding,
    },
    {
        kind: 'positional_embedding',
        aliases: ['position_embedding'],
        category: 'attention',
        summary: 'Adds a learned vector per position to a (length, dim) sequence, as BERT does.',
        paramsDoc: 'length·dim.',
        args: [{ name: 'length', type: { type: 'int', min: 1 }, doc: 'Longest sequence supported (positions learned).' }],
        arity: 1,
        inputRank: 2,
        infer: inferPositional,
    },
];
//# sourceMappingURL=embedding.js.map