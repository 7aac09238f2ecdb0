// Bundles the model summary page for the webview (target web): webview/summary/main.ts → dist/webview/summary.js.
'use strict';

const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** @type {import('webpack').Configuration} */
module.exports = {
  name: 'webview-summary',
  target: 'web',
  mode: 'production',
  entry: { summary: path.join(__dirname, 'summary', 'main.ts') },
  output: { path: path.join(root, 'dist', 'webview'), filename: '[name].js' },
  devtool: false,
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        // Type checking is `tsc -b`'s job (webview/tsconfig.summary.json); the bundler only strips types.
        use: [{ loader: 'ts-loader', options: { transpileOnly: true, configFile: path.join(__dirname, 'tsconfig.summary.json') } }],
      },
    ],
  },
  performance: { hints: false },
};
