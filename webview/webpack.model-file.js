// Bundles the model file viewer page for the webview (target web): webview/model-file/main.ts → dist/webview/model-file.js.
'use strict';

/** @type {import('webpack').Configuration} */
module.exports = require('./webpack.page.js')('model-file');
