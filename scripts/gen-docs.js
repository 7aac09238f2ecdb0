#!/usr/bin/env node
// Regenerates docs/layers.md from the layer registry and docs/export-formats.md from the export formats.
const fs = require('node:fs');
const path = require('node:path');
const { layerReference } = require('../out/ide/signatures.js');
const { defaultRegistry } = require('../out/core/model/layers/index.js');
fs.writeFileSync(path.join(__dirname, '..', 'docs', 'layers.md'), layerReference(defaultRegistry));
fs.writeFileSync(path.join(__dirname, '..', 'docs', 'export-formats.md'), require('../out/export/support-table.js').exportFormatsDoc());
