// Builds the preview panel's HTML: a strict Content Security Policy, the stylesheet and the bundled script. Pure.

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

/**
 * Nothing is allowed by default; the script runs only with the nonce, styles only from the nonce'd block or the
 * resource origin, and images only from webview resources or `data:` (the PNG export draws the SVG through an
 * image). No inline scripts, no eval. Data never goes into the HTML: it arrives by postMessage.
 */
export function contentSecurityPolicy(nonce: string, cspSource: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function previewHtml(options: PreviewHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(options.nonce)) throw new Error('previewHtml: the nonce must be at least 16 base64 or hex characters');
  const nonce = escapeAttr(options.nonce);
  const csp = escapeAttr(contentSecurityPolicy(options.nonce, options.cspSource));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeText(options.title ?? 'Stride architecture')}</title>
<style nonce="${nonce}">${PREVIEW_CSS}</style>
</head>
<body>
<script nonce="${nonce}" src="${escapeAttr(options.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
