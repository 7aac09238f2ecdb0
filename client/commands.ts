// The command table: each entry turns the context into a handler, and answers gracefully when the server is down.

import * as vscode from 'vscode';
import { CHECK_FILES_METHOD, COMMANDS, SUMMARY_METHOD, type CheckFilesResult, type SummaryResult } from '../protocol/lsp-ext';
import { LANGUAGE_ID, type Ctx } from './ctx';
import { exportModelCommand } from './export/command';
import { importModelCommand, openModelFileCommand } from './model-file/command';
import { trainInBackground } from './training/background';
import { trainWithCli, trainWithTorch } from './training/cli-command';
import { openTrainingPanel, runModelOnImage, showActivations } from './training/commands';
import { openExample } from './examples';
import { allowedHere } from './trust';
import { modelFileForImage } from './training/image-target';

/** Training commands no code lens carries (the server does not name them). */
const TRAINING_COMMANDS = { runOnImage: 'stride.runOnImage', showActivations: 'stride.showActivations' } as const;

type Handler = (...args: unknown[]) => unknown;
type CommandFactory = (ctx: Ctx) => Handler;

/** Shown in the architecture preview's title bar; not a code lens command, so not in the protocol's list. */
export const PREVIEW_MODEL_COMMAND = 'stride.previewModel';

const SERVER_DOWN = 'Stride: the language server is not running. Run "Stride: Restart Language Server" and try again.';

/** Shows a message without waiting for it: callers of executeCommand must not hang until someone dismisses it. */
function notify(kind: 'info' | 'warning' | 'error', message: string): void {
  if (kind === 'info') void vscode.window.showInformationMessage(message);
  else if (kind === 'warning') void vscode.window.showWarningMessage(message);
  else void vscode.window.showErrorMessage(message);
}

/** The document and model a command is about: explicit arguments (from a code lens) or the active editor. */
function target(args: unknown[]): { uri: string; model?: string; position?: vscode.Position } | undefined {
  const [first, model] = args;
  // A code lens passes the uri as a string; the explorer and the editor title pass the file's Uri.
  const uri = typeof first === 'string' ? first : first instanceof vscode.Uri && first.path.endsWith('.stride') ? first.toString() : undefined;
  const editor = vscode.window.activeTextEditor;
  const active = editor && editor.document.languageId === LANGUAGE_ID ? editor : undefined;
  // The editor title's button passes the shown file's Uri: the model is still the one under that editor's cursor.
  const cursor = active && uri === active.document.uri.toString() && typeof first !== 'string' ? active.selection.active : undefined;
  if (uri) return { uri, model: typeof model === 'string' ? model : undefined, position: cursor };
  if (!active) return undefined;
  return { uri: active.document.uri.toString(), position: active.selection.active };
}

const showSummary: CommandFactory =
  (ctx) =>
  async (...args) => {
    const t = target(args);
    if (!t) return notify('info', 'Stride: open a .stride file to see its summary.');
    if (!ctx.running) return notify('warning', SERVER_DOWN);
    const result = await ctx.request<SummaryResult | null>(SUMMARY_METHOD, { uri: t.uri, model: t.model, position: t.position });
    if (!result) return notify('info', 'Stride: this file has no model to summarise.');
    ctx.summaries.show(result);
    return undefined;
  };

const checkWorkspace: CommandFactory = (ctx) => async () => {
  if (!ctx.running) return notify('warning', SERVER_DOWN);
  const uris = await vscode.workspace.findFiles('**/*.stride', '**/node_modules/**', 5000);
  const files = await Promise.all(uris.map(async (u) => ({ uri: u.toString(), text: new TextDecoder().decode(await vscode.workspace.fs.readFile(u)) })));
  const result = await ctx.request<CheckFilesResult>(CHECK_FILES_METHOD, { files });
  if (!result) return notify('warning', SERVER_DOWN);
  const errors = result.files.reduce((s, f) => s + f.errors, 0);
  const warnings = result.files.reduce((s, f) => s + f.warnings, 0);
  const bad = result.files.filter((f) => f.errors > 0).length;
  const message = `Stride: checked ${result.files.length} file${result.files.length === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${bad > 0 ? ` in ${bad} file${bad === 1 ? '' : 's'}` : ''}.`;
  notify(errors > 0 ? 'warning' : 'info', message);
  return result;
};

const preview: CommandFactory =
  (ctx) =>
  (...args) => {
    const t = target(args);
    if (t && !ctx.running) return notify('warning', SERVER_DOWN);
    ctx.previews.open(t?.uri, t?.model, t?.position);
    return undefined;
  };

const previewModel: CommandFactory = (ctx) => () => ctx.previews.pickModel();

/** Opens the training panel for the code lens's model, else the active editor's (asking when there are several). */
const train: CommandFactory =
  (ctx) =>
  (...args) => {
    const t = target(args);
    return openTrainingPanel(ctx.training, t?.uri, t?.model, { autoStart: true });
  };

/** Trains the code lens's (or the active editor's) model in a worker; arguments 3 to 5 override epochs, batch and sample limit. */
const trainBackground: CommandFactory =
  (ctx) =>
  (...args) => {
    const t = target(args);
    const [, , epochs, batch, limit] = args;
    const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
    return trainInBackground(ctx.training, t?.uri, t?.model, { epochs: count(epochs), batch: count(batch), limit: count(limit) });
  };

const positive = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

/** Trains with PyTorch DDP through `stride train --engine torch`; arguments 3 to 5 give processes, epochs and sample limit. */
const trainTorch: CommandFactory =
  (ctx) =>
  (...args) => {
    const t = target(args);
    const [, , processes, epochs, limit] = args;
    return trainWithTorch(ctx.training, t?.uri, t?.model, { processes: positive(processes), epochs: positive(epochs), limit: positive(limit) });
  };

/** Not in the palette: `stride train` with the Node engine through the same terminal-and-panel path (uri, model, epochs, limit). */
const trainCli: CommandFactory = (ctx) => (uri, model, epochs, limit) =>
  typeof uri === 'string' && typeof model === 'string'
    ? trainWithCli(ctx.training, uri, model, { engine: 'node', epochs: positive(epochs), limit: positive(limit) })
    : undefined;

const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : v instanceof vscode.Uri ? v.toString() : undefined);

/** Predicts with the saved weights on an image (arguments: uri, model, image file; each asked for when absent). */
const runOnImage: CommandFactory = (ctx) => (uri, model, file) => {
  // From the explorer's context menu on an image: the image is the argument, and the model is asked for.
  if (uri instanceof vscode.Uri && IMAGE.test(uri.path)) return onImage(ctx, uri);
  return runModelOnImage(ctx.training, asString(uri), asString(model), asString(file));
};

const IMAGE = /\.(png|jpe?g)$/i;

async function onImage(ctx: Ctx, image: vscode.Uri) {
  const file = await modelFileForImage();
  return file ? runModelOnImage(ctx.training, file.toString(), undefined, image.fsPath) : undefined;
}

/** The preview's jump to a layer's activations in an open training panel (arguments: layer, uri, model). */
const activations: CommandFactory = (ctx) => (layer, uri, model) =>
  typeof layer === 'string' ? showActivations(ctx.training, layer, asString(uri), asString(model)) : false;

const restartServer: CommandFactory = (ctx) => async () => {
  try {
    await ctx.restart();
    return notify('info', 'Stride: language server restarted.');
  } catch (error) {
    return notify('error', `Stride: the language server failed to restart: ${error instanceof Error ? error.message : String(error)}`);
  }
};

export const COMMAND_TABLE: Readonly<Record<string, CommandFactory>> = {
  [COMMANDS.showSummary]: showSummary,
  [COMMANDS.checkWorkspace]: checkWorkspace,
  [COMMANDS.openPreview]: preview,
  [PREVIEW_MODEL_COMMAND]: previewModel,
  [COMMANDS.train]: train,
  [COMMANDS.trainInBackground]: trainBackground,
  'stride.trainWithTorch': trainTorch,
  'stride.trainWithCli': trainCli,
  [TRAINING_COMMANDS.runOnImage]: runOnImage,
  [TRAINING_COMMANDS.showActivations]: activations,
  [COMMANDS.restartServer]: restartServer,
  'stride.exportModel': exportModelCommand,
  'stride.importModel': importModelCommand,
  'stride.openModelFile': openModelFileCommand,
  'stride.openExample': (ctx) => (name, find, then) => openExample(ctx.extension, name, find, then),
};

export function registerCommands(ctx: Ctx): void {
  for (const [id, factory] of Object.entries(COMMAND_TABLE)) {
    const handler = factory(ctx);
    ctx.pushExtensionScoped(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return allowedHere(id) ? await handler(...args) : undefined;
        } catch (error) {
          void vscode.window.showErrorMessage(`Stride: ${id} failed: ${error instanceof Error ? error.message : String(error)}`);
          return undefined;
        }
      }),
    );
  }
}
