// Runs every long fuzz tier (out/test/fuzz/*.fuzz.js) with one seed and iteration count: `npm run fuzz -- --seed 7 --iterations 5000`.

const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

const dir = join(__dirname, '..', 'out', 'test', 'fuzz');
const args = process.argv.slice(2);
const value = (name, env, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : (process.env[env] ?? fallback);
};
const seed = value('seed', 'STRIDE_FUZZ_SEED', String(Date.now() % 100000));
const iterations = value('iterations', 'STRIDE_FUZZ_ITERATIONS', '2000');
process.stdout.write(`fuzz: seed ${seed}, ${iterations} iterations (rerun with --seed ${seed} to reproduce)\n`);
let failed = 0;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.fuzz.js'))
  .sort()) {
  process.stdout.write(`\n== ${file}\n`);
  const run = spawnSync(process.execPath, [join(dir, file), '--seed', seed, '--iterations', iterations], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
