// Bundles the architecture preview for the webview (target web): webview/preview/main.ts → dist/webview/preview.js.
// The root webpack.config.js adds this object to its exported list.
'use strict';

const pageBundle = require('./webpack.page.js');

/** @type {import('webpack').Configuration} */
module.exports = pageBundle('preview', {
  // ELK's bundle is self-contained (a browserify UMD without eval); parsing it only slows the build.
  module: { noParse: /elkjs[\\/]lib[\\/]elk\.bundled\.js$/ },
  // ELK (96% of the bundle) ships minified already; minifying it again took minutes for a few kilobytes.
  optimization: { minimize: false },
});
