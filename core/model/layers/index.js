"use strict";
// The default registry: every built-in layer kind. Adding a kind means adding one table entry.
Object.defineProperty(exports, "__esModule", { value: true });
exports.defaultRegistry = void 0;
const registry_1 = require("../registry");
const activations_1 = require("./activations");
const attention_1 = require("./attention");
const basic_1 = require("./basic");
const conv_1 = require("./conv");
const conv_transpose_1 = require("./conv-transpose");
const embedding_1 = require("./embedding");
const merge_1 = require("./merge");
const norm_1 = require("./norm");
const pool_1 = require("./pool");
const recurrent_1 = require("./recurrent");
const regularization_1 = require("./regularization");
const shape_ops_1 = require("./shape-ops");
const spatial_1 = require("./spatial");
exports.defaultRegistry = new registry_1.LayerRegistry().register(...basic_1.basicLayers, ...conv_1.convLayers, ...conv_transpose_1.convTransposeLayers, ...pool_1.poolLayers, ...norm_1.normLayers, ...regularization_1.regularizationLayers, ...activations_1.activationLayers, ...merge_1.mergeLayers, ...spatial_1.spatialLayers, ...shape_ops_1.shapeOpLayers, ...embedding_1.embeddingLayers, ...recurrent_1.recurrentLayers, ...attention_1.attentionLayers);
//# sourceMappingURL=index.js.map