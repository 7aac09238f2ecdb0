"use strict";
// Recurrent layers (simple RNN, LSTM, GRU) over (time, features), optionally bidirectional, with Keras parameter rules.
Object.defineProperty(exports, "__esModule", { value: true });
exports.recurrentLayers = void 0;
const values_1 = require("../values");
const shape_math_1 = require("../shape-math");
const common_1 = require("./common");
const CELLS = {
    simple_rnn: { gates: 1, biases: () => 1 },
    lstm: { gates: 4, biases: () => 1 },
    gru: { gates: 3, biases: (ctx) => (ctx.args.reset_after === false ? 1 : 2) },
};
function inferRecurrent(cell, ctx) {
    const input = ctx.inputs[0];
    const [steps, features] = [input[0], (0, common_1.channelsOf)(input) ?? 0];
    const units = (0, shape_math_1.asNum)(ctx.args.units);
    const bias = ctx.args.bias === true ? cell.biases(ctx) : 0;
    const dirs = ctx.args.bidirectional === true ? 2 : 1;
    const perDirection = cell.gates * (units * (features + units) + bias * units);
    const total = dirs * perDirection;
    const g = cell.gates === 1 ? '' : `${cell.gates}·`;
    const b = bias === 0 ? '' : bias === 1 ? ` + ${units}` : ` + ${bias}·${units}`;
    const formula = `${dirs === 2 ? '2·' : ''}${g}(${units}·(${features} + ${units})${b}) = ${(0, values_1.formatInt)(total)}`;
    const width = dirs === 2 && ctx.args.merge_mode === 'concat' ? 2 * units : units;
    return {
        shape: ctx.args.return_sequences === true ? [steps, width] : [width],
        params: { trainable: total, nonTrainable: 0, formula },
        macs: (steps ?? 0) * dirs * cell.gates * units * (features + units),
        // Each output may depend on every earlier (or, bidirectionally, every) time step.
        rf: { kind: 'global' },
    };
}
const common = [
    { name: 'units', type: { type: 'int', min: 1 }, doc: 'Size of the hidden state.' },
    { name: 'return_sequences', type: { type: 'bool' }, default: false, doc: 'Output every time step (time, units) instead of the last one (units).' },
    { name: 'bidirectional', type: { type: 'bool' }, default: false, doc: 'Also run a second copy backwards in time and merge both (Keras Bidirectional).' },
    {
        name: 'merge_mode',
        type: { type: 'enum', values: ['concat', 'sum', 'mul', 'ave'] },
        default: 'concat',
        doc: 'How a bidirectional layer merges its two directions; concat doubles the width.',
        namedOnly: true,
    },
    { name: 'activation', type: { type: 'enum', values: common_1.ACTIVATIONS }, default: 'tanh', doc: 'Activation of the state update.', namedOnly: true },
    { name: 'bias', type: { type: 'bool' }, default: true, doc: 'Learn bias vectors.', namedOnly: true },
];
function recurrentDef(kind, summary, paramsDoc, extra = [], aliases) {
    const cell = CELLS[kind];
    return {
        kind,
        aliases,
        category: 'recurrent',
        summary,
        paramsDoc,
        args: [...common, ...extra],
        arity: 1,
        inputRank: 2,
        infer: (ctx) => inferRecurrent(cell, ctx),
    };
}
exports.recurrentLayers = [
    recurrentDef('simple_rnn', 'Fully connected recurrent layer over (time, features): h = tanh(x·W + h·U + b).', 'units·(in + units) + units per direction (Keras; PyTorch RNN has a second bias, + units).', [], ['simplernn', 'rnn']),
    recurrentDef('lstm', 'Long short-term memory over (time, features).', '4·(units·(in + units) + units) per direction (Keras: one bias per gate; PyTorch keeps two, + 4·units).'),
    recurrentDef('gru', 'Gated recurrent unit over (time, features).', 'reset_after: true (Keras 2 and PyTorch default): 3·(units·(in + units) + 2·units) per direction; reset_after: false: 3·(units·(in + units) + units).', [
        {
            name: 'reset_after',
            type: { type: 'bool' },
            default: true,
            doc: 'Apply the reset gate after the recurrent matrix (Keras 2 / PyTorch / cuDNN convention, two bias vectors).',
            namedOnly: true,
        },
    ]),
];
//# sourceMappingURL=recurrent.js.map