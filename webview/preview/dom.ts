// Small helpers for building SVG and HTML elements without innerHTML (data never becomes markup).

export const SVG_NS = 'http://www.w3.org/2000/svg';

type Attrs = Record<string, string | number | undefined>;

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, children: Node[] = []): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  for (const c of children) el.appendChild(c);
  return el;
}

export function htmlEl<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  if (text !== undefined) el.textContent = text;
  return el;
}

export function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
}

/** An SVG `<text>` element: textContent keeps any characters literal. */
export function svgText(text: string, attrs: Attrs): SVGTextElement {
  const el = svgEl('text', attrs);
  el.textContent = text;
  return el;
}

/** A native tooltip: SVG `<title>` is read by screen readers and shown on hover. */
export function svgTitle(text: string): SVGTitleElement {
  const el = svgEl('title');
  el.textContent = text;
  return el;
}
