// Starts and stops a private code-server (VS Code 1.100) on loopback with throw-away user, extension and XDG folders.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, withDeadline } from './paths';

/** Where scripts/setup-e2e.sh installs code-server; STRIDE_CODE_SERVER overrides it. */
export const CODE_SERVER_BIN = process.env.STRIDE_CODE_SERVER ?? join(ROOT, '.cache/code-server/node_modules/.bin/code-server');

/**
 * Settings that keep the workbench quiet and deterministic: no welcome page, no network,
 * no trust prompt, fast hovers, and no editor magic (auto-closing, suggestions) that would
 * change what a UI test types.
 */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'editor.hover.delay': 100,
  'editor.inlayHints.enabled': 'on',
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
};

export interface CodeServer {
  readonly url: string;
  readonly authority: string;
  /** code-server's stdout and stderr, for failure reports. */
  readonly output: string[];
  stop(): Promise<void>;
}

/** Fails loudly when the install is missing: CI installs it, so a skip would hide a broken setup. */
export function requireCodeServer(): string {
  if (!existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server not found at ${CODE_SERVER_BIN}; run scripts/setup-e2e.sh`);
  }
  return CODE_SERVER_BIN;
}

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Creates the per-run folders and writes the quiet user settings. */
function prepareDirs(root: string, settings: Readonly<Record<string, unknown>> = {}): Record<string, string> {
  const dirs = {
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    config: join(root, 'xdg-config'),
    data: join(root, 'xdg-data'),
    cache: join(root, 'xdg-cache'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  return dirs;
}

export interface CodeServerOptions {
  /** The folder the workbench opens. */
  readonly workspace: string;
  /** A packaged extension to install into the private extensions folder before start. */
  readonly vsix?: string;
  /** User settings added to the quiet ones (a test's machine-scoped setting, say). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Workspace trust on, and the folder left untrusted (Restricted Mode) instead of trust switched off. */
  readonly untrusted?: boolean;
}

/** Trust enabled without the start-up prompt: the folder opens in Restricted Mode and stays there. */
const UNTRUSTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
};

/** Starts code-server and resolves once /healthz answers. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const bin = requireCodeServer();
  const root = mkdtempSync(join(tmpdir(), 'stride-e2e-cs-'));
  const dirs = prepareDirs(root, { ...options.settings, ...(options.untrusted ? UNTRUSTED_SETTINGS : {}) });
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    EXTENSIONS_GALLERY: '{}',
  };
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  if (options.vsix) await installVsix(bin, options.vsix, common, env);
  const port = await freePort();
  const child = spawn(bin, [...serveArgs(port, options.untrusted), ...common, options.workspace], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const stop = stopper(child, root);
  try {
    await waitForListening(child, output);
    await healthz(port);
  } catch (error) {
    await stop();
    throw new Error(`code-server did not start: ${(error as Error).message}\n${output.join('').slice(-3000)}`);
  }
  const authority = `127.0.0.1:${port}`;
  return { url: `http://${authority}`, authority, output, stop };
}

function serveArgs(port: number, untrusted = false): string[] {
  const args = [
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--disable-proxy',
  ];
  return untrusted ? args.filter((a) => a !== '--disable-workspace-trust') : args;
}

async function installVsix(bin: string, vsix: string, common: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(bin, [...common, '--install-extension', vsix], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const code = await withDeadline(new Promise<number | null>((resolve) => child.once('exit', resolve)), 60_000, 'installing the vsix');
  if (code !== 0) throw new Error(`--install-extension ${vsix} exited with ${code}:\n${output.join('')}`);
}

/** Resolves when code-server logs that it listens, rejects if it exits first. */
function waitForListening(child: ChildProcess, output: string[]): Promise<void> {
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString());
      if (output.join('').includes('HTTP server listening on')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`exited early (code ${code}, signal ${signal})`)));
    child.once('error', reject);
  });
  return withDeadline(listening, 60_000, 'code-server to listen');
}

function healthz(port: number): Promise<void> {
  const request = new Promise<void>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/healthz' }, (response) => {
      response.resume();
      if (response.statusCode === 200) resolve();
      else reject(new Error(`/healthz answered ${response.statusCode}`));
    }).once('error', reject);
  });
  return withDeadline(request, 10_000, '/healthz');
}

/** Kills the whole process group (code-server forks its extension host) and removes the folders. */
function stopper(child: ChildProcess, root: string): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  // A crashed test runner must not leave a server behind.
  const onExit = (): void => killGroup('SIGKILL');
  process.once('exit', onExit);
  return () => {
    stopped ??= (async () => {
      process.removeListener('exit', onExit);
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      killGroup('SIGTERM');
      await withDeadline(exited, 5_000, 'code-server to exit').catch(() => killGroup('SIGKILL'));
      killGroup('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    })();
    return stopped;
  };
}
