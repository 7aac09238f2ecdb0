#!/usr/bin/env node
// Entry point of the `stride` command; the CLI itself is compiled to out/cli (run `npm run build` first).
const { main } = require('../out/cli/main.js');
main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (e) => {
    process.stderr.write(`stride: internal error: ${(e && e.stack) || e}\n`);
    process.exitCode = 70;
  },
);
