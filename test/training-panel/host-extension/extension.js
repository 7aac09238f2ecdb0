// Test host for the training panel: registers its real entry points with the repository as the extension root.
const path = require('node:path');
const vscode = require('vscode');

const ROOT = path.resolve(__dirname, '../../..');
const panel = require(path.join(ROOT, 'out/client/training/panel.js'));

/** The real context, except that assets resolve against the repository (where dist/webview lives). */
function repoContext(context) {
  return Object.create(context, { extensionUri: { value: vscode.Uri.file(ROOT) } });
}

function workspaceFile(name) {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, name);
}

exports.activate = (context) => {
  const ctx = repoContext(context);
  // Tests wait for this item: once it shows, the commands below are registered.
  const ready = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left);
  ready.text = 'stride-training-host-ready';
  ready.show();
  context.subscriptions.push(
    ready,
    panel.registerTrainingSerializer(ctx),
    ...panel.registerTrainingCommands(ctx),
    vscode.commands.registerCommand('strideTest.train', () => panel.openTrainingPanel(ctx, workspaceFile('tiny.stride'), 'Tiny', { autoStart: true })),
    vscode.commands.registerCommand('strideTest.runOnImage', () => {
      console.log('stride-test: runOnImage starts');
      return vscode.commands.executeCommand('stride.runOnImage', workspaceFile('tiny.stride').toString(), 'Tiny', workspaceFile('square.png').fsPath).then(
        (r) => console.log(`stride-test: runOnImage answered ${JSON.stringify(r)}`),
        (e) => console.error(`stride-test: runOnImage failed: ${e && e.stack}`),
      );
    }),
  );
};
