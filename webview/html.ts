// Builds the preview panel's HTML: a strict Content Security Policy, the stylesheet and the bundled script. Pure.

import { webviewHtml } from '../protocol/webview-html';

export { contentSecurityPolicy } from '../protocol/webview-html';
import { PREVIEW_CSS } from './styles';

export interface PreviewHtmlOptions {
  /** A fresh random value per page load (e.g. 32 hex characters from `crypto.randomBytes`). */
  readonly nonce: string;
  /** `webview.cspSource`: the origin webview resources are served from. */
  readonly cspSource: string;
  /** `webview.asWebviewUri(…/dist/webview/preview.js)` as a string. */
  readonly scriptUri: string;
  readonly title?: string;
}

export function previewHtml(options: PreviewHtmlOptions): string {
  return webviewHtml({ ...options, title: options.title ?? 'Stride architecture', css: PREVIEW_CSS });
}
