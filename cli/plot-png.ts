// PNG for `stride plot`: the standalone SVG rasterised by headless Chromium through playwright-core.
//
// Chromium draws exactly what the preview shows (same fonts, same CSS, same SVG engine as the webview), which no
// pure-JS rasteriser on npm does for text. playwright-core is a development dependency, not a runtime one: an
// installed `stride` has it only when the user adds it, so its absence, or Chromium's, is a clear error.

import * as fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { rasterScale } from '../webview/diagram/standalone';
import { InputError } from './args';

type Playwright = typeof import('playwright-core');

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Chromium's path: $STRIDE_CHROMIUM, else the usual system locations. */
export function chromiumPath(): string | undefined {
  const chosen = process.env.STRIDE_CHROMIUM;
  if (chosen) return fs.existsSync(chosen) ? chosen : undefined;
  return CANDIDATES.find((p) => fs.existsSync(p));
}

function loadPlaywright(): Playwright {
  try {
    return require('playwright-core') as Playwright;
  } catch {
    throw new InputError(
      "PNG output needs the npm package 'playwright-core' (npm install playwright-core) and Chromium; use --format svg, or convert the SVG with any tool",
    );
  }
}

/** The SVG text as PNG bytes, at up to 2× like the preview's own PNG export. */
export async function rasterise(svg: string, width: number, height: number): Promise<Buffer> {
  const playwright = loadPlaywright();
  const executablePath = chromiumPath();
  if (!executablePath) {
    throw new InputError('PNG output needs Chromium: install it (Debian: apt-get install chromium) or set STRIDE_CHROMIUM to its path; or use --format svg');
  }
  const w = Math.max(1, Math.ceil(width));
  const h = Math.max(1, Math.ceil(height));
  let browser: Browser;
  try {
    browser = await playwright.chromium.launch({ executablePath, headless: true, args: chromiumArgs() });
  } catch (e) {
    throw new InputError(`Chromium at ${executablePath} did not start: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    const page = await browser.newPage({ viewport: { width: w, height: h }, deviceScaleFactor: rasterScale(w, h) });
    // A page that may load nothing: the SVG is self-contained, and a model's text must never reach the network.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(pageHtml(svg), { waitUntil: 'load' });
    return await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: w, height: h } });
  } finally {
    await browser.close();
  }
}

function pageHtml(svg: string): string {
  const csp = "default-src 'none'; style-src 'unsafe-inline'";
  const body = svg.replace(/^<\?xml[^>]*\?>\s*/, '');
  return `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="${csp}"><style>body{margin:0}svg{display:block}</style></head><body>${body}</body></html>`;
}

/** Headless with nothing in the background; as root Chromium insists on running without its sandbox. */
function chromiumArgs(): string[] {
  const args = ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  return process.getuid?.() === 0 ? ['--no-sandbox', ...args] : args;
}
