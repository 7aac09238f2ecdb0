// Bundles the extension: the client (extension host) and the language server, both for Node, `vscode` left external.
// Each webview page (target web) comes from its own config beside its sources; further bundles join the list the same way.

'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** @param {string} name @param {string} entry @param {string} project @returns {import('webpack').Configuration} */
function nodeBundle(name, entry, project = name) {
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
          use: [{ loader: 'ts-loader', options: { transpileOnly: true, configFile: path.resolve(__dirname, `${project}/tsconfig.json`) } }],
        },
      ],
    },
    performance: { hints: false },
  };
}

/**
 * A bundle that runs where its file lies (the real `__dirname`, where the wasm binaries sit beside it), with
 * tfjs-node (and `more`) left to runtime requires that fail cleanly where they are not installed, as in the .vsix.
 * @param {import('webpack').Configuration} config @param {Record<string, string>} more
 */
function runsBesideBinaries(config, more = {}) {
  return {
    ...config,
    externals: { ...config.externals, '@tensorflow/tfjs-node': 'commonjs @tensorflow/tfjs-node', ...more },
    node: { __dirname: false, __filename: false },
  };
}

const WASM_DIR = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
// No threaded binary: every wasm user runs in Node, single-threaded (train/node/backends/select.ts); the webviews train on WebGL.
const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'];

/** Emits the wasm backend's binaries beside the bundle: the .vsix has no node_modules, and the worker points setWasmPaths there. */
class CopyWasmBinaries {
  /** @param {import('webpack').Compiler} compiler */
  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap('CopyWasmBinaries', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'CopyWasmBinaries', stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        for (const file of WASM_BINARIES) {
          const from = path.join(WASM_DIR, file);
          compilation.fileDependencies.add(from);
          compilation.emitAsset(file, new sources.RawSource(fs.readFileSync(from)));
        }
      });
    });
  }
}

/**
 * The background trainer for worker_threads: tfjs and its wasm backend bundled in, the binaries copied beside it, and
 * tfjs-node left to a runtime require that fails cleanly (and falls back to wasm) where it is not installed, as in the .vsix.
 */
function trainWorkerBundle() {
  // The real folder at run time: the wasm loader and setWasmPaths look for the binaries there.
  return { ...runsBesideBinaries(nodeBundle('train-worker', './client/training/background-worker.ts', 'client')), plugins: [new CopyWasmBinaries()] };
}

/** The exporters and tfjs, required by the Export Model command on first use (client/export/command.ts); like the worker, it finds the wasm binaries beside it. */
function exportBundle() {
  return runsBesideBinaries(nodeBundle('export', './client/export/runner.ts', 'client'));
}

/**
 * The importers (protobuf reader included), required by the model file viewer and Import Model… on first use
 * (client/model-file/convert.ts); tfjs, for saving imported weights, loads only when weights are saved and, like the
 * export bundle, finds the wasm binaries beside it.
 */
function importerBundle() {
  return runsBesideBinaries(nodeBundle('importer', './client/model-file/runner.ts', 'client'));
}

/**
 * The `stride` command line as one file (dist/stride-cli.js) for the extension package, which has no out/ or
 * node_modules: what Train with PyTorch runs there. Like the worker, it finds the wasm binaries beside it; tfjs-node
 * and playwright-core (PNG plots) stay runtime requires that fail with their own clear messages when absent.
 */
function cliBundle() {
  return runsBesideBinaries(nodeBundle('stride-cli', './cli/bundle.ts', 'cli'), { 'playwright-core': 'commonjs playwright-core' });
}

/**
 * The data-parallel training threads (train/node/parallel/partner-thread.ts) that `--threads N` and background runs
 * with stride.training.threads start beside the worker or the CLI bundle; they find the wasm binaries beside them.
 */
function partnerThreadBundle() {
  return runsBesideBinaries(nodeBundle('partner-thread', './train/node/parallel/partner-thread.ts', 'train/node'));
}

module.exports = (env, argv) => [
  nodeBundle('client', './client/extension.ts'),
  nodeBundle('server', './server/main.ts'),
  trainWorkerBundle(),
  exportBundle(),
  importerBundle(),
  cliBundle(),
  partnerThreadBundle(),
  require('./webview/webpack.preview.js'),
  require('./webview/webpack.summary.js'),
  require('./webview/webpack.model-file.js'),
  require('./webview/training/webpack.training.js')(env, argv),
];
