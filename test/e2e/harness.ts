// Drives a real VS Code (code-server) in headless Chromium: start, open, act, wait, screenshot, and always tear down.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startCodeServer, type CodeServer, type CodeServerOptions } from './code-server';
import { after, before } from 'node:test';
import { ARTIFACTS, copyWorkspace, EXTENSION, requireExtensionBuild, withDeadline } from './paths';

/** Debian's Chromium; Playwright must never download its own. */
export const CHROMIUM = process.env.STRIDE_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Workbench {
  readonly server: CodeServer;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Lines the page logged, extension-host output included. */
  readonly console: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  /** Loads this folder as an extension under development (no packaging needed). */
  readonly extensionDevelopmentPath?: string;
  /** A CommonJS module whose `run()` executes inside the extension host. */
  readonly extensionTestsPath?: string;
}

/** Fails loudly when Chromium is missing: CI installs it, so a skip would hide a broken setup. */
export function requireChromium(): string {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}; run scripts/setup-e2e.sh`);
  return CHROMIUM;
}

/** Starts code-server and a fresh headless Chromium profile; the caller must `close()` the workbench. */
export async function startWorkbench(options: CodeServerOptions): Promise<Workbench> {
  const executablePath = requireChromium();
  const server = await startCodeServer(options);
  const profile = mkdtempSync(join(tmpdir(), 'stride-e2e-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
    });
  } catch (error) {
    await server.stop();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const lines: string[] = [];
  page.on('console', (message) => lines.push(message.text()));
  page.on('pageerror', (error) => lines.push(`pageerror: ${error.message}`));
  return {
    server,
    context,
    page,
    console: lines,
    screenshot: (name) => screenshot(page, name),
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
      await server.stop();
    },
  };
}

/** Runs `body` with a workbench and tears it down afterwards, saving a screenshot when `body` fails. */
export async function withWorkbench<T>(name: string, options: CodeServerOptions, body: (workbench: Workbench) => Promise<T>): Promise<T> {
  const workbench = await startWorkbench(options);
  try {
    return await screenshotOnFailure(workbench, name, () => body(workbench));
  } finally {
    await workbench.close();
  }
}

/** Runs `body`; when it fails, saves `<name>-failure.png` before passing the error on. */
export async function screenshotOnFailure<T>(workbench: Workbench, name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    await workbench.screenshot(`${name}-failure`).catch(() => undefined);
    throw error;
  }
}

/** Saves a full-page screenshot under test-artifacts/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, timeout: 10_000 });
  return file;
}

/** The workbench URL: folder plus a payload that loads a development extension and its tests. */
export function workbenchUrl(workbench: Workbench, folder: string, options: WorkbenchOptions = {}): string {
  const remote = (path: string): string => `vscode-remote://${workbench.server.authority}${path}`;
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath) {
    payload.push(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]);
  }
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  const query = `folder=${encodeURIComponent(folder)}`;
  const tail = payload.length > 0 ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : '';
  return `${workbench.server.url}/?${query}${tail}`;
}

/** Opens the workbench and waits until its editor area exists. */
export async function openWorkbench(workbench: Workbench, folder: string, options: WorkbenchOptions = {}): Promise<void> {
  await workbench.page.goto(workbenchUrl(workbench, folder, options));
  await workbench.page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 60_000 });
}

/**
 * Runs the extension tests named in `options` inside the real extension host and resolves with
 * the exit code the workbench reports through `window.codeAutomationExit`.
 */
export async function runExtensionHostTests(workbench: Workbench, folder: string, options: WorkbenchOptions & { timeoutMs: number }): Promise<number> {
  let report: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (report = resolve));
  await workbench.page.exposeFunction('codeAutomationExit', (code: number) => report(code));
  await workbench.page.goto(workbenchUrl(workbench, folder, options));
  return withDeadline(exited, options.timeoutMs, 'the extension-host tests to exit');
}

/**
 * Opens a workspace file through Quick Open and waits for its editor tab to be active, and for its text when it opens in
 * a text editor (`textEditor`; a model file opens in a placeholder or a viewer).
 */
export async function openFile(page: Page, fileName: string, textEditor = true): Promise<void> {
  // Up to three tries: in one clean-clone run Quick Open showed (after the fallback click below) and was hidden again
  // before its input could be filled; a Ctrl+P a focused webview held back and let through late is the likely cause.
  for (let attempt = 1; ; attempt++) {
    try {
      await showQuickOpen(page);
      await page.locator('.quick-input-widget input').fill(fileName, { timeout: 10_000 });
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: fileName }).waitFor({ timeout: 15_000 });
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${fileName}"]`).waitFor();
  if (textEditor) await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Shows Quick Open: by Ctrl+P, or, when a focused webview keeps the key to itself, by the title bar's command center. */
async function showQuickOpen(page: Page): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('Control+P');
  const shown = await input.waitFor({ state: 'visible', timeout: 5_000 }).then(
    () => true,
    () => false,
  );
  if (shown) return;
  await page.locator('.command-center .command-center-center').first().click();
  await input.waitFor({ state: 'visible', timeout: 10_000 });
}

/** Runs a command by its title through the command palette. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
  // The palette closes, unless the command opens a quick input of its own at once (a file dialog, a picker): then the
  // same input shows again without ever being seen hidden. Either way, the command text is gone.
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLInputElement>('.quick-input-widget input');
    return !el || el.offsetParent === null || !el.value.startsWith('>');
  });
}

/**
 * Cancel closes the progress notification. VS Code redraws a toast (its buttons too) whenever its text changes; the
 * run changes it at most once a second, but a click can still straddle a redraw and be lost, as a person's can: then
 * the notification stays, and the click is repeated.
 */
export async function cancelProgress(progress: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await progress.hover();
    await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
    const closed = await progress.waitFor({ state: 'hidden', timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (closed) return;
    if (attempt === 3) throw new Error('three clicks on Cancel left the progress notification open');
  }
}

/**
 * One workbench for a whole test file, on a fresh copy of the e2e workspace with the extension under development:
 * started before the file's tests, closed (and the copy removed) after them. `prepare` may add files to the copy;
 * `settings` are added to the user settings.
 */
export function workbenchPerFile(prepare?: (workspace: string) => void, settings?: Readonly<Record<string, unknown>>): () => Workbench {
  let workbench: Workbench | undefined;
  let workspace = '';
  before(async () => {
    requireExtensionBuild();
    workspace = copyWorkspace();
    prepare?.(workspace);
    workbench = await startWorkbench({ workspace, settings });
    await openWorkbench(workbench, workspace, { extensionDevelopmentPath: EXTENSION });
  });
  after(async () => {
    await workbench?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });
  return () => {
    if (!workbench) throw new Error('the workbench did not start');
    return workbench;
  };
}
