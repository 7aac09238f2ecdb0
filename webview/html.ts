// Builds the HTML of the preview, summary and model file pages: a strict Content Security Policy, the stylesheet and the bundled script. Pure.

import { webviewHtml } from '../protocol/webview-html';

export { contentSecurityPolicy } from '../protocol/webview-html';
import { MODEL_FILE_CSS, PREVIEW_CSS, SUMMARY_CSS } from './styles';

export interface PageHtmlOptions {
  /** A fresh random value per page load (e.g. 32 hex characters from `crypto.randomBytes`). */
  readonly nonce: string;
  /** `webview.cspSource`: the origin webview resources are served from. */
  readonly cspSource: string;
  /** `webview.asWebviewUri(…/dist/webview/NAME.js)` as a string. */
  readonly scriptUri: string;
  readonly title?: string;
}

export function previewHtml(options: PageHtmlOptions): string {
  return webviewHtml({ ...options, title: options.title ?? 'Stride architecture', css: PREVIEW_CSS });
}

export function summaryHtml(options: PageHtmlOptions): string {
  return webviewHtml({ ...options, title: options.title ?? 'Stride model summary', css: SUMMARY_CSS });
}

/** The model file viewer: the preview's stylesheet (its drawing is the preview's) plus the viewer's own rules. */
export function modelFileHtml(options: PageHtmlOptions): string {
  return webviewHtml({ ...options, title: options.title ?? 'Stride model file', css: PREVIEW_CSS + MODEL_FILE_CSS });
}
