// Bundles the extension: the client (extension host) and the language server, both for Node, `vscode` left external.
// The architecture preview's page (target web) comes from its own config; further bundles join the list the same way.

'use strict';

const path = require('node:path');

/** @param {string} name @param {string} entry @returns {import('webpack').Configuration} */
function nodeBundle(name, entry) {
  return {
    name,
    target: 'node20',
    mode: 'none',
    entry: { [name]: entry },
    output: {
      path: path.resolve(__dirname, 'dist'),
      filename: '[name].js',
      library: { type: 'commonjs2' },
      devtoolModuleFilenameTemplate: '../[resource-path]',
    },
    devtool: 'nosources-source-map',
    externals: { vscode: 'commonjs vscode' },
    resolve: {
      extensions: ['.ts', '.js'],
      // The UMD build of vscode-languageserver-types hides its requires from the bundler; its ES module build does not.
      alias: { 'vscode-languageserver-types': path.resolve(__dirname, 'node_modules/vscode-languageserver-types/lib/esm/main.js') },
    },
    module: {
      rules: [
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          // Type checking is `tsc -b`'s job; the bundler only strips types.
          use: [{ loader: 'ts-loader', options: { transpileOnly: true, configFile: path.resolve(__dirname, `${name}/tsconfig.json`) } }],
        },
      ],
    },
    performance: { hints: false },
  };
}

module.exports = (env, argv) => [
  nodeBundle('client', './client/extension.ts'),
  nodeBundle('server', './server/main.ts'),
  require('./webview/webpack.preview.js'),
  require('./webview/training/webpack.training.js')(env, argv),
];
