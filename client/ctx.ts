// The extension context: owns the language client and two disposal scopes (extension lifetime, client lifetime).

import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SERVER_YOUNG_GENERATION_KEY, serverHeapFlags } from '../protocol/server-heap';
import { SETTINGS_SECTION } from '../protocol/settings';
import { rawSettings } from './config';
import { acceptedHeapFlags } from './heap-check';
import { Previews } from './preview';
import { Summaries } from './summary-view';
import { TrainingHost } from './training/host';

export const LANGUAGE_ID = 'stride';

/** Crashes tolerated within CRASH_WINDOW_MS before the client gives up restarting. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 3 * 60_000;

export class Ctx {
  private client: LanguageClient | undefined;
  /** Disposed when the client stops or restarts (status bar listeners, per-client state). */
  private clientScope: vscode.Disposable[] = [];
  readonly output: vscode.OutputChannel;
  private readonly started = new vscode.EventEmitter<void>();
  /** Fires each time a language client is up (first start and every restart): views refetch what they show. */
  readonly onDidStart = this.started.event;
  /** The architecture previews, one per document. */
  readonly previews: Previews;
  /** The model summary pages. */
  readonly summaries: Summaries;
  /** Training's panels and background runs for this activation; their workers end when the extension does. */
  readonly training: TrainingHost;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Stride');
    this.pushExtensionScoped(this.output);
    this.pushExtensionScoped(this.started);
    this.previews = new Previews(this);
    this.pushExtensionScoped(this.previews);
    this.summaries = new Summaries(extension.extensionUri);
    this.pushExtensionScoped(this.summaries);
    this.training = new TrainingHost(this);
    this.pushExtensionScoped(this.training);
    this.pushExtensionScoped(vscode.workspace.onDidChangeConfiguration((e) => this.onConfigurationChange(e)));
  }

  /** The server's heap is fixed when its process starts: a change applies after a restart, which the user may ask for. */
  private onConfigurationChange(e: vscode.ConfigurationChangeEvent): void {
    if (!e.affectsConfiguration(`${SETTINGS_SECTION}.${SERVER_YOUNG_GENERATION_KEY}`)) return;
    const restart = 'Restart Now';
    void vscode.window.showInformationMessage('Stride: the language server uses the new heap size after a restart.', restart).then((choice) => {
      if (choice === restart) void vscode.commands.executeCommand('stride.restartServer');
    });
  }

  /** Lives until the extension deactivates. */
  pushExtensionScoped(d: vscode.Disposable): void {
    this.extension.subscriptions.push(d);
  }

  /** Lives until the language client stops. */
  pushClientScoped(d: vscode.Disposable): void {
    this.clientScope.push(d);
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  async start(): Promise<void> {
    const serverModule = this.extension.asAbsolutePath('dist/server.js');
    const wanted = serverHeapFlags(vscode.workspace.getConfiguration(SETTINGS_SECTION).get(SERVER_YOUNG_GENERATION_KEY));
    const heap = await acceptedHeapFlags(wanted, this.extension.globalState, (line) => this.output.appendLine(line));
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: heap } },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...heap, '--nolazy', '--inspect=6011'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: LANGUAGE_ID }],
      outputChannel: this.output,
      initializationOptions: { settings: rawSettings() },
      synchronize: { configurationSection: SETTINGS_SECTION },
      errorHandler: this.crashHandler(),
    };
    const client = new LanguageClient('stride', 'Stride Language Server', serverOptions, clientOptions);
    this.client = client;
    this.pushClientScoped(
      client.onDidChangeState((e) => {
        if (e.newState === State.Stopped && this.client === client) this.output.appendLine('Stride language server stopped.');
        if (e.newState === State.Running && this.client === client) this.started.fire();
      }),
    );
    await client.start();
  }

  /** Restarts a crashed server and tells the user, until it crashes too often. */
  private crashHandler(): ErrorHandler {
    const crashes: number[] = [];
    return {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        const now = Date.now();
        crashes.push(now);
        while (crashes.length > 0 && now - crashes[0] > CRASH_WINDOW_MS) crashes.shift();
        if (crashes.length > MAX_CRASHES) {
          return {
            action: CloseAction.DoNotRestart,
            message: 'Stride: the language server crashed repeatedly and was not restarted. Run "Stride: Restart Language Server" to try again.',
          };
        }
        this.output.appendLine('Stride language server stopped unexpectedly; restarting.');
        void vscode.window.showWarningMessage('Stride: the language server stopped unexpectedly and was restarted.');
        return { action: CloseAction.Restart, handled: true };
      },
    };
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const d of this.clientScope.splice(0)) d.dispose();
    if (client && client.state !== State.Stopped) await client.stop().catch((e: unknown) => this.output.appendLine(`stop failed: ${String(e)}`));
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Sends a request when the server runs; otherwise answers undefined so commands can say so. */
  async request<R>(method: string, params: unknown): Promise<R | undefined> {
    if (!this.client || !this.running) return undefined;
    return (await this.client.sendRequest(method, params)) as R;
  }
}
