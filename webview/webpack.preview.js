// Bundles the architecture preview for the webview (target web): webview/preview/main.ts → dist/webview/preview.js.
// The root webpack.config.js can add this object to its exported list.
'use strict';

const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** @type {import('webpack').Configuration} */
module.exports = {
  name: 'webview-preview',
  target: 'web',
  mode: 'production',
  entry: { preview: path.join(__dirname, 'preview', 'main.ts') },
  output: { path: path.join(root, 'dist', 'webview'), filename: '[name].js' },
  devtool: false,
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        // Type checking is `tsc -b`'s job (webview/tsconfig.preview.json); the bundler only strips types.
        use: [{ loader: 'ts-loader', options: { transpileOnly: true, configFile: path.join(__dirname, 'tsconfig.preview.json') } }],
      },
    ],
    // ELK's bundle is self-contained (a browserify UMD without eval); parsing it only slows the build.
    noParse: /elkjs[\\/]lib[\\/]elk\.bundled\.js$/,
  },
  // ELK (96% of the bundle) ships minified already; minifying it again took minutes for a few kilobytes.
  optimization: { minimize: false },
  performance: { hints: false },
};
