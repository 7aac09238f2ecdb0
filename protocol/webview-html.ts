// The one builder of webview pages: a strict nonce-based Content Security Policy, an optional stylesheet and one
// bundled script. Pure; every page (preview, training, summary, model viewer) is made here.

export interface WebviewHtmlOptions {
  /** A fresh random value per page load (e.g. 32 hex characters or base64 from `crypto.randomBytes`). */
  readonly nonce: string;
  /** `webview.cspSource` (VS Code) or the page origin (tests): where webview resources are served from. */
  readonly cspSource: string;
  /** `webview.asWebviewUri(…/dist/webview/NAME.js)` as a string. */
  readonly scriptUri: string;
  readonly title: string;
  /** CSS placed in a nonce'd `<style>` block (pages may instead build constructed style sheets from their bundle). */
  readonly css?: string;
  /** Allow WebAssembly compilation (`'wasm-unsafe-eval'`), for a page that runs the tfjs wasm backend. Never `unsafe-eval`. */
  readonly wasm?: boolean;
}

/**
 * Nothing is allowed by default; the script runs only with the nonce, styles only from the nonce'd block or the
 * resource origin, and images only from webview resources or `data:` (the PNG export draws the SVG through an
 * image). No inline scripts, no eval. Data never goes into the HTML: it arrives by postMessage.
 */
export function contentSecurityPolicy(nonce: string, cspSource: string, wasm = false): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'${wasm ? " 'wasm-unsafe-eval'" : ''}`,
  ].join('; ');
}

export function webviewHtml(options: WebviewHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(options.nonce)) throw new Error('webviewHtml: the nonce must be at least 16 base64 or hex characters');
  const nonce = escapeAttr(options.nonce);
  const csp = escapeAttr(contentSecurityPolicy(options.nonce, options.cspSource, options.wasm));
  const style = options.css === undefined ? '' : `<style nonce="${nonce}">${options.css.replace(/<\/style/gi, '<\\/style')}</style>\n`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeText(options.title)}</title>
${style}</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${escapeAttr(options.scriptUri)}"></script>
</body>
</html>
`;
}

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
