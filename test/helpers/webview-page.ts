// Harness for a webview page in real Chromium: bundles its script with the real webpack config, serves the page HTML
// (the same builder and CSP as in VS Code) on loopback, and opens it behind a recording stand-in for VS Code's API.
/// <reference lib="dom" />

import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import webpack, { type Configuration, type Stats } from 'webpack';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from './chromium';
import { ROOT } from './fixtures';

/** Bundles with a page's real webpack config (e.g. `webview/webpack.preview.js`) into a temporary folder; returns `file`'s text. */
export async function bundleWebview(config: string, file: string): Promise<string> {
  // The config is plain JavaScript shared with the extension build; load it as it is.
  const loaded = require(path.join(ROOT, config)) as Configuration;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-webview-bundle-'));
  const stats = await new Promise<Stats>((resolve, reject) =>
    webpack({ ...loaded, output: { ...loaded.output, path: outDir } }, (err, s) =>
      err || !s ? reject(err ?? new Error('webpack gave no stats')) : resolve(s),
    ),
  );
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  const text = fs.readFileSync(path.join(outDir, file), 'utf8');
  fs.rmSync(outDir, { recursive: true, force: true });
  return text;
}

export interface WebviewPage {
  readonly page: Page;
  /** Console errors and page errors (CSP violations show up here). */
  readonly errors: string[];
  close(): Promise<void>;
}

/** What the page needs: its bundle, and its HTML for a given origin and script address. */
export interface PageSource {
  readonly bundle: string;
  readonly html: (origin: string, scriptUri: string) => string;
  readonly viewport?: { readonly width: number; readonly height: number };
}

/** A nonce as VS Code's host makes them: fixed here, so tests can read it back from the HTML. */
export const TEST_NONCE = 'c3RyaWRlLXByZXZpZXctdGVzdC1ub25jZQ';

function servePage(source: PageSource): http.Server {
  return http.createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(source.bundle);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(source.html(origin, `${origin}/page.js`));
    else if (req.url === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end();
  });
}

/** Serves the page and opens it in a fresh profile; resolves once the page has posted `ready`. */
export async function openWebviewPage(source: PageSource): Promise<WebviewPage> {
  requireChromium();
  const server = servePage(source);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-webview-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: source.viewport ?? { width: 1200, height: 860 },
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
  const close = async () => {
    await context.close().catch(() => undefined);
    fs.rmSync(profile, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  };
  return { page, errors, close };
}

export interface FakeHostWindow {
  __posted: { type: string; [k: string]: unknown }[];
}

/**
 * Runs in the page before its scripts: the webview API VS Code injects, recording what the page posts. State
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
