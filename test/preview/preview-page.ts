// Harness for the preview webview in real Chromium: the bundled script under the panel HTML built by `previewHtml`.

import { previewHtml } from '../../webview/html';
import { bundleWebview, openWebviewPage, TEST_NONCE, type WebviewPage } from '../helpers/webview-page';

export { send, type FakeHostWindow } from '../helpers/webview-page';
export type PreviewPage = WebviewPage;

/** Bundles with the real webpack config (webview/webpack.preview.js); returns the bundle text. */
export function bundlePreview(): Promise<string> {
  return bundleWebview('webview/webpack.preview.js', 'preview.js');
}

/** Serves the panel HTML built by `previewHtml` (same CSP as in VS Code) and opens it in a fresh profile. */
export function openPreviewPage(bundle: string): Promise<PreviewPage> {
  return openWebviewPage({ bundle, html: (cspSource, scriptUri) => previewHtml({ nonce: TEST_NONCE, cspSource, scriptUri }) });
}
