// Bundles the model summary page for the webview (target web): webview/summary/main.ts → dist/webview/summary.js.
'use strict';

/** @type {import('webpack').Configuration} */
module.exports = require('./webpack.page.js')('summary');
