// Harness for the preview webview in real Chromium: bundles the script, serves the panel HTML on loopback, opens it.
/// <reference lib="dom" />

import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import webpack, { type Configuration, type Stats } from 'webpack';
import { previewHtml } from '../../webview/html';
import { ROOT } from '../helpers/fixtures';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from '../helpers/chromium';

/** Bundles with the real webpack config (webview/webpack.preview.js) into a temporary folder; returns the bundle text. */
export async function bundlePreview(): Promise<string> {
  // The config is plain JavaScript shared with the extension build; load it as it is.
  const config = require(path.join(ROOT, 'webview', 'webpack.preview.js')) as Configuration;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-preview-bundle-'));
  const stats = await new Promise<Stats>((resolve, reject) =>
    webpack({ ...config, output: { ...config.output, path: outDir } }, (err, s) =>
      err || !s ? reject(err ?? new Error('webpack gave no stats')) : resolve(s),
    ),
  );
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  const text = fs.readFileSync(path.join(outDir, 'preview.js'), 'utf8');
  fs.rmSync(outDir, { recursive: true, force: true });
  return text;
}

export interface PreviewPage {
  readonly page: Page;
  /** Console errors and page errors (CSP violations show up here). */
  readonly errors: string[];
  close(): Promise<void>;
}

/** Serves the panel HTML built by `previewHtml` (same CSP as in VS Code) and opens it in a fresh profile. */
export async function openPreviewPage(bundle: string): Promise<PreviewPage> {
  requireChromium();
  const nonce = 'c3RyaWRlLXByZXZpZXctdGVzdC1ub25jZQ';
  const server = http.createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    if (req.url === '/preview.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(previewHtml({ nonce, cspSource: origin, scriptUri: `${origin}/preview.js` }));
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-preview-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1200, height: 860 },
    });
  } catch (error) {
    server.close();
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.addInitScript(installFakeHost);
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => (window as unknown as FakeHostWindow).__posted.some((m) => m.type === 'ready'));
  return {
    page,
    errors,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface FakeHostWindow {
  __posted: { type: string; [k: string]: unknown }[];
}

/**
 * Runs in the page before its scripts: the webview API VS Code injects, recording what the preview posts. State
 * lives in sessionStorage so that, as in VS Code, it survives a reload of the page. Only this boundary is
 * replaced; the page, its CSP and the bundled script are the real ones.
 */
function installFakeHost(): void {
  const w = window as unknown as FakeHostWindow & { acquireVsCodeApi: () => unknown };
  w.__posted = [];
  w.acquireVsCodeApi = () => ({
    postMessage: (m: { type: string }) => w.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => JSON.parse(sessionStorage.getItem('stride-state') ?? 'null') ?? undefined,
    setState: (s: unknown) => sessionStorage.setItem('stride-state', JSON.stringify(s)),
  });
}

/** Posts a message the way the extension's messages arrive: a `message` event on the window. */
export async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}
