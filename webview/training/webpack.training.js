// Bundles the training webview (TypeScript + tfjs) into dist/webview/training.js for the browser; no Node built-ins.
const path = require('node:path');
const webpack = require('webpack');

const root = path.resolve(__dirname, '..', '..');

/** @type {(env?: unknown, argv?: { mode?: string }) => import('webpack').Configuration} */
module.exports = (_env, argv = {}) => ({
  name: 'training-webview',
  target: 'web',
  mode: argv.mode ?? 'production',
  entry: path.join(__dirname, 'main.ts'),
  // Always written, so the bundle's time stamp tells tests it was built from the current sources.
  output: { path: path.join(root, 'dist', 'webview'), filename: 'training.js', compareBeforeEmit: false },
  // No Node built-in is stubbed: the page bundles only the browser-safe part of train/ (its tsconfig has no Node
  // types), and tfjs's package.json points browsers at its ES module builds.
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        loader: 'ts-loader',
        // Type checking is `tsc -b`'s job; the bundle only transpiles, which keeps it fast.
        options: { transpileOnly: true, configFile: path.join(__dirname, 'tsconfig.json') },
      },
    ],
  },
  devtool: false,
  performance: { hints: false },
  // One file: the page's CSP admits only its own nonce'd script, so webpack may not add chunk scripts. The WebGPU
  // backend's dynamic import still defers evaluating it until stride.training.backend asks for it.
  plugins: [new webpack.optimize.LimitChunkCountPlugin({ maxChunks: 1 })],
});
