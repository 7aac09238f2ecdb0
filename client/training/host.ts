// What training owns for one activation of the extension: open panels, background runs, the log, and the server's answer
// to "which model, lowered how" (stride/trainingModel), so no training state lives in module globals.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { TRAINING_MODEL_METHOD, type TrainingModelParams, type TrainingModelResult } from '../../protocol/lsp-ext';
import type { TrainingModel } from '../../protocol/training-model';
import { BackgroundRuns } from './background-runs';
import type { TrainingPanel } from './panel';

/** The client context as training sees it: the extension, and requests to the language server. */
export interface ServerAccess {
  readonly extension: vscode.ExtensionContext;
  readonly running: boolean;
  request<R>(method: string, params: unknown): Promise<R | undefined>;
}

/** A model chosen for training, and its lowered form (or why there is none). */
export interface ChosenModel {
  readonly name: string;
  readonly training: TrainingModel | null;
  readonly error: string | null;
}

const SERVER_DOWN = 'Stride: the language server is not running. Run "Stride: Restart Language Server" and try again.';

export const panelKey = (uri: string, model: string) => `${uri}\n${model}`;

export class TrainingHost implements vscode.Disposable {
  readonly panels = new Map<string, TrainingPanel>();
  readonly runs = new BackgroundRuns();
  private output: vscode.OutputChannel | undefined;

  constructor(readonly ctx: ServerAccess) {}

  get extension(): vscode.ExtensionContext {
    return this.ctx.extension;
  }

  /** The open training panel of a document's model, if any. */
  panelFor(uri: string, model: string): TrainingPanel | undefined {
    return this.panels.get(panelKey(uri, model));
  }

  /** One line in the Stride Training output channel (created on first use). */
  log(line: string): void {
    if (!this.output) {
      this.output = vscode.window.createOutputChannel('Stride Training');
      this.extension.subscriptions.push(this.output);
    }
    this.output.appendLine(`[${new Date().toLocaleTimeString()}] ${line}`);
  }

  showLog(): void {
    this.output?.show();
  }

  /** The server's lowered model of a document (its live text, as the diagnostics saw it); undefined when it cannot answer. */
  async lower(params: TrainingModelParams): Promise<TrainingModelResult | undefined> {
    if (!this.ctx.running) return void vscode.window.showWarningMessage(SERVER_DOWN);
    const result = await this.ctx.request<TrainingModelResult | null>(TRAINING_MODEL_METHOD, params);
    if (!result) return void vscode.window.showWarningMessage('Stride: the language server does not know this file yet; try again in a moment.');
    return result;
  }

  /**
   * The model to train: the one named, else the server's choice by the rule every view uses (ide/model-at.ts) when the
   * file has one model, else the user's pick with that choice first. `strict` refuses a model with errors in it or in what it uses.
   */
  async chooseModel(doc: vscode.TextDocument, model: string | undefined, strict = false): Promise<ChosenModel | undefined> {
    const uri = doc.uri.toString();
    const first = await this.lower({ uri, model, strict });
    if (!first) return undefined;
    if (model && first.model === null) return void vscode.window.showErrorMessage(`Stride: ${path.basename(doc.uri.fsPath)} has no model named '${model}'.`);
    if (first.models.length === 0 || first.model === null) return void vscode.window.showInformationMessage('Stride: this file declares no model to train.');
    if (model || first.models.length === 1) return { name: first.model, training: first.training, error: first.error };
    const names = [first.model, ...first.models.map((m) => m.name).filter((n) => n !== first.model)];
    const picked = await vscode.window.showQuickPick(names, { title: 'Stride: which model?' });
    if (!picked) return undefined;
    const chosen = picked === first.model ? first : await this.lower({ uri, model: picked, strict });
    return chosen && chosen.model !== null ? { name: chosen.model, training: chosen.training, error: chosen.error } : undefined;
  }

  /** Extension shutdown: every worker goes at once (a save in progress leaves the previous weights: atomic swap). */
  dispose(): void {
    for (const run of this.runs.all()) run.terminate();
  }
}
