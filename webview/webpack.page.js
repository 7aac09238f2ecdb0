// One webview page bundle (target web): webview/NAME/main.ts → dist/webview/NAME.js, type-stripped with its own tsconfig.
'use strict';

const path = require('node:path');

const root = path.resolve(__dirname, '..');

/**
 * @param {string} name the page's folder under webview/ and its bundle's name
 * @param {Partial<import('webpack').Configuration>} [extra] settings only this page needs
 * @returns {import('webpack').Configuration}
 */
module.exports = function pageBundle(name, extra = {}) {
  return {
    name: `webview-${name}`,
    target: 'web',
    mode: 'production',
    entry: { [name]: path.join(__dirname, name, 'main.ts') },
    output: { path: path.join(root, 'dist', 'webview'), filename: '[name].js' },
    devtool: false,
    resolve: { extensions: ['.ts', '.js'] },
    ...extra,
    module: {
      rules: [
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          // Type checking is `tsc -b`'s job (webview/tsconfig.NAME.json); the bundler only strips types.
          use: [{ loader: 'ts-loader', options: { transpileOnly: true, configFile: path.join(__dirname, `tsconfig.${name}.json`) } }],
        },
      ],
      ...extra.module,
    },
    performance: { hints: false },
  };
};
