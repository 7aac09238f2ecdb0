// Serves the bundled training webview on loopback and drives it in headless Chromium, with a message-transport stand-in for VS Code.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { checkFromWebview, type FromWebview, type ToWebview } from '../../protocol/training';
import { trainingPageHtml } from '../../protocol/training-page';
import { decodeBytes, encodeBytes } from '../../protocol/wire-bytes';
import { analyze } from '../../core/analyze';
import { trainingModel } from '../../ide/training-model';
import type { TrainingModel } from '../../protocol/training-model';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

export const ROOT = path.resolve(__dirname, '../../..');

/** What the host sends the page for a model of a source: the language server's lowered model. */
export function trainingOf(text: string, model: string): TrainingModel {
  const found = analyze(text).models.find((m) => m.graph.name === model);
  if (!found) throw new Error(`no model ${model}`);
  const lowered = trainingModel(found);
  if (!lowered.ok) throw new Error(lowered.error);
  return lowered.value;
}
/** The shipped bundle; STRIDE_TRAINING_BUNDLE points elsewhere (e.g. a development build). */
export const BUNDLE = process.env.STRIDE_TRAINING_BUNDLE ?? path.join(ROOT, 'dist/webview/training.js');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/** The panel's own sources: a bundle older than any of them would test stale code. */
const SOURCES = ['webview/training', 'protocol/training.ts'];

function newestSource(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return p.endsWith('.ts') ? st.mtimeMs : 0;
  return Math.max(0, ...fs.readdirSync(p).map((f) => newestSource(path.join(p, f))));
}

export function requireFreshBundle(): void {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing; build it with: npx webpack --config webview/training/webpack.training.js`);
  const newest = Math.max(...SOURCES.map((s) => newestSource(path.join(ROOT, s))));
  if (fs.statSync(BUNDLE).mtimeMs < newest)
    throw new Error(`${BUNDLE} is older than its sources; rebuild: npx webpack --config webview/training/webpack.training.js`);
}

export interface TrainingPage {
  readonly page: Page;
  /** Every message the page sent, validated; invalid ones are recorded in `invalid`. */
  readonly received: FromWebview[];
  readonly invalid: string[];
  /** CSP violations and page errors: both must stay empty. */
  readonly violations: string[];
  send(message: ToWebview): Promise<void>;
  /** Resolves with the first message (already received or future) that matches. */
  waitForMessage<T extends FromWebview['type']>(type: T, where?: (m: Extract<FromWebview, { type: T }>) => boolean): Promise<Extract<FromWebview, { type: T }>>;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

function serve(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    if (req.url === '/') {
      const html = trainingPageHtml({ cspSource: origin, nonce: crypto.randomBytes(16).toString('base64'), scriptUri: `${origin}/training.js` });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (req.url === '/training.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(fs.readFileSync(BUNDLE));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The stand-in for `acquireVsCodeApi`: only a message transport, JSON like VS Code's page→host direction. */
const TRANSPORT = `
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.strideHostReceive(JSON.parse(JSON.stringify(m))),
    setState: (s) => { window.__state = s; },
    getState: () => window.__state,
  });
  // long.js (inside tfjs) probes WebAssembly in a try/catch and falls back to JavaScript: the one refusal expected under a CSP without wasm.
  document.addEventListener('securitypolicyviolation', (e) => e.blockedURI === 'wasm-eval' || window.strideViolation('CSP: ' + e.violatedDirective + ' ' + e.blockedURI));
`;

/** The host's end of the page: every message validated as the extension host does, CSP violations and page errors kept. */
async function hostSide(page: Page): Promise<Pick<TrainingPage, 'received' | 'invalid' | 'violations' | 'waitForMessage'>> {
  const received: FromWebview[] = [];
  const invalid: string[] = [];
  const violations: string[] = [];
  const waiters: { test: (m: FromWebview) => boolean; resolve: (m: FromWebview) => void }[] = [];
  await page.exposeFunction('strideHostReceive', (m: unknown) => {
    // Decoded exactly as the extension host does: the page sends bytes as base64 because VS Code carries its messages as JSON.
    const checked = checkFromWebview(decodeBytes(m));
    if (!checked.ok) return void invalid.push(checked.error);
    received.push(checked.value);
    for (const w of waiters.splice(0)) w.test(checked.value) ? w.resolve(checked.value) : waiters.push(w);
  });
  await page.exposeFunction('strideViolation', (v: string) => violations.push(v));
  page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
  const waitForMessage: TrainingPage['waitForMessage'] = (type, where) =>
    new Promise((resolve) => {
      const test = (m: FromWebview) => m.type === type && (!where || where(m as never));
      const found = received.find(test);
      if (found) return resolve(found as never);
      waiters.push({ test, resolve: resolve as (m: FromWebview) => void });
    });
  return { received, invalid, violations, waitForMessage };
}

/** `args` are extra Chromium flags (e.g. one that removes WebGL). */
export async function openTrainingPage(args: readonly string[] = []): Promise<TrainingPage> {
  requireFreshBundle();
  const server = await serve();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-training-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, ...args],
      viewport: { width: 1200, height: 900 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const host = await hostSide(page);
    await page.addInitScript(TRANSPORT);
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    const ctx = context;
    return {
      page,
      ...host,
      // Encoded as the extension host does, then carried as JSON by Playwright.
      send: (message) =>
        page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, origin: string): void }).postMessage(m, '*'), encodeBytes(message) as never),
      screenshot: async (name) => {
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        const file = path.join(ARTIFACTS, `${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        return file;
      },
      close: async () => {
        await ctx.close();
        await new Promise((r) => server.close(r));
        fs.rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close();
    server.close();
    throw e;
  }
}
