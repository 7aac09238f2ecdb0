// The packaged extension: installs stride.vsix into a clean code-server and checks that its bundled server answers.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { cancelProgress, openFile, openWorkbench, runCommand, withWorkbench } from './harness';
import { ROOT, copyWorkspace } from './paths';

const VSIX = process.env.STRIDE_E2E_VSIX ?? join(ROOT, 'stride.vsix');

interface ZipEntry {
  name: string;
  /** Where the entry's local header starts. */
  offset: number;
  method: number;
  size: number;
}

/** The entries of a zip archive (a .vsix), read from its central directory. */
function zipEntries(file: string): ZipEntry[] {
  const zip = readFileSync(file);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${file} is not a zip archive`);
  const entries: ZipEntry[] = [];
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: damaged central directory`);
    const [nameLength, extraLength, commentLength] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    entries.push({ name, offset: zip.readUInt32LE(at + 42), method: zip.readUInt16LE(at + 10), size: zip.readUInt32LE(at + 20) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The text of one entry of the archive (stored or deflated). */
function zipText(file: string, name: string): string {
  const entry = zipEntries(file).find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in ${file}`);
  const zip = readFileSync(file);
  const start = entry.offset + 30 + zip.readUInt16LE(entry.offset + 26) + zip.readUInt16LE(entry.offset + 28);
  const data = zip.subarray(start, start + entry.size);
  return (entry.method === 8 ? inflateRawSync(data) : data).toString('utf8');
}

const names = (): string[] => zipEntries(VSIX).map((e) => e.name);

test('the .vsix ships the background trainer and the command line with the wasm binaries it loads, and no node_modules', () => {
  assert.ok(existsSync(VSIX), `${VSIX} is missing; run npm run package first`);
  const all = names();
  for (const f of ['train-worker.js', 'partner-thread.js', 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'client.js', 'stride-cli.js']) {
    assert.ok(all.includes(`extension/dist/${f}`), `extension/dist/${f} is not in the package: ${all.join(', ')}`);
  }
  // Nothing loads the threaded build: the wasm backend runs single-threaded in Node, and the webviews use WebGL.
  assert.ok(!all.includes('extension/dist/tfjs-backend-wasm-threaded-simd.wasm'));
  assert.deepEqual(
    all.filter((n) => n.includes('node_modules')),
    [],
  );
});

test('the .vsix has its license, changelog, icon, the bundled examples and every file its manifest names', () => {
  const all = names();
  // vsce names the readme and changelog in lower case (and LICENSE gets .txt).
  for (const f of ['LICENSE.txt', 'changelog.md', 'readme.md', 'media/icon.png']) assert.ok(all.includes(`extension/${f}`), `${f} is not in the package`);
  assert.match(zipText(VSIX, 'extension/LICENSE.txt'), /^MIT License\n\nCopyright \(c\) \d{4} Stride contributors/);
  assert.match(zipText(VSIX, 'extension/changelog.md'), /^## 0\.1\.0$/m);
  const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.stride'));
  for (const f of examples) assert.ok(all.includes(`extension/examples/${f}`), `examples/${f} is not in the package`);
  const manifest = JSON.parse(zipText(VSIX, 'extension/package.json'));
  const steps = manifest.contributes.walkthroughs.flatMap((w: { steps: { media: Record<string, string> }[] }) => w.steps);
  const named: string[] = [manifest.icon, ...steps.flatMap((s: { media: Record<string, string> }) => [s.media.image, s.media.markdown].filter(Boolean))];
  for (const f of named) assert.ok(all.includes(`extension/${f.replace(/^\.\//, '')}`), `${f}, named in package.json, is not in the package`);
});

test("the package's README is for users: no developer commands, and every relative link resolves inside the package", () => {
  const readme = zipText(VSIX, 'extension/readme.md');
  assert.match(readme, /^# Stride/);
  for (const word of ['npm test', 'npm run', 'npm ci', 'apt-get', 'scripts/']) assert.ok(!readme.includes(word), `the package README mentions ${word}`);
  const links = [...readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)[^)]*\)/g)].map((m) => m[1]);
  assert.ok(links.filter((l) => l.endsWith('.png')).length >= 4, links.join(', '));
  const all = names();
  for (const link of links) {
    if (/^https:\/\//.test(link) || link.startsWith('#')) continue;
    assert.ok(!/^[a-z]+:/i.test(link), `${link}: only https links or packaged files`);
    // vsce keeps the README's links as written (--no-rewrite-relative-links); they are relative to extension/.
    assert.ok(all.includes(`extension/${link.split('#')[0]}`), `${link} does not resolve inside the package`);
  }
});

test('the installed .vsix shows diagnostics and shapes in the editor, and trains in the background', async () => {
  assert.ok(existsSync(VSIX), `${VSIX} is missing; run npm run package first`);
  const workspace = copyWorkspace();
  try {
    await withWorkbench('vsix', { workspace, vsix: VSIX }, async (workbench) => {
      const { page } = workbench;
      // No development path: only the installed copy of the extension can serve this workbench.
      await openWorkbench(workbench, workspace);
      await openFile(page, 'mistakes.stride');
      const editor = page.locator('.editor-group-container.active .monaco-editor').first();
      await editor.locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: 30_000 });
      // The inlay hint after `  conv2d(8, 3)` on a 28×28×1 input.
      await editor.locator('.view-lines', { hasText: '→ 26×26×8' }).waitFor({ timeout: 30_000 });
      await workbench.screenshot('vsix-installed');
      // The installed worker trains with the wasm binaries beside it (tfjs-node is absent and its require fails quietly).
      await openFile(page, 'shapes.stride');
      await runCommand(page, 'Stride: Train in Background');
      const progress = page.locator('.notifications-toasts .notification-toast-container', { hasText: 'Stride: training Shapes in the background' });
      await progress.filter({ hasText: /epoch \d+\/10000 · batch \d+\/10/ }).waitFor({ timeout: 60_000 });
      await cancelProgress(progress);
      await page
        .locator('.notifications-toasts .notification-toast-container', { hasText: /Stride: Stopped training Shapes after \d+ epochs? on wasm \(SIMD/ })
        .waitFor({ timeout: 60_000 });
      assert.ok(existsSync(join(workspace, 'shapes.weights/Shapes/model.json')));
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
