// What every webview page of the extension is built from: its bundle folder, a fresh nonce and its script's address.

import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { PageHtmlOptions } from '../webview/html';

/** The bundle folder is the only place a page may load files from (`localResourceRoots`). */
export function bundleFolder(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

/** A fresh nonce per page load, the webview's origin and `dist/webview/<bundle>.js` as the webview may load it. */
export function pageOptions(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string): PageHtmlOptions {
  return {
    nonce: crypto.randomBytes(16).toString('hex'),
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(bundleFolder(extensionUri), `${bundle}.js`)).toString(),
  };
}
