#!/usr/bin/env node
// Entry point of the `stride` command; the CLI itself is compiled to out/cli (run `npm run build` first).
require('../out/cli/main.js').runCli(process.argv.slice(2));
