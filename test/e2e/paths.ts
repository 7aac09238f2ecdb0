// Shared locations and a deadline function for the end-to-end and Neovim tests.

import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root; compiled files run from out/test/e2e. */
export const ROOT = resolve(__dirname, '../../..');

/** Screenshots and logs of end-to-end runs (gitignored). */
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** The bundled language server the extension and other editors start. */
export const SERVER_BUNDLE = join(ROOT, 'dist/server.js');

/** The fixture workspace the tests open; its sources live next to the test sources. */
export const WORKSPACE = join(ROOT, 'test/e2e/workspace');

/** Rejects with a message naming what was awaited when `promise` takes longer than `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Copies the fixture workspace to a temporary folder, so tests that edit and save files leave the sources alone. */
export function copyWorkspace(): string {
  const target = mkdtempSync(join(tmpdir(), 'stride-e2e-ws-'));
  cpSync(WORKSPACE, target, { recursive: true });
  return target;
}

/** The extension under test: the repository itself (its manifest points at dist/client.js). */
export const EXTENSION = process.env.STRIDE_E2E_EXTENSION ?? ROOT;

/** Fails loudly when the extension bundle is missing, instead of testing a workbench without it. */
export function requireExtensionBuild(): void {
  const manifest = JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8')) as { main?: string };
  const main = join(EXTENSION, manifest.main ?? 'missing-main');
  const bundles = EXTENSION === ROOT ? [main, SERVER_BUNDLE] : [main];
  for (const file of bundles) {
    if (!existsSync(file)) throw new Error(`${file} is missing; run npm run build:ext first`);
  }
}
