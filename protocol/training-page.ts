// The training page's HTML shell: the one page builder with the training script, nothing from documents spliced in.

import { webviewHtml } from './webview-html';

export interface PageOptions {
  /** The webview's `cspSource` (VS Code) or the page origin (tests). */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
}

/**
 * The page shell. Nothing from documents or messages is spliced in: only the host-made script URI, CSP source and
 * nonce. No `unsafe-eval` (tfjs webgl does not need it); styles come from the bundle as a constructed style sheet.
 */
export function trainingPageHtml(o: PageOptions): string {
  return webviewHtml({ ...o, title: 'Stride training' });
}
