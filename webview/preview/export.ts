// Export of the drawing: a standalone SVG with the theme's colours written in, and a PNG rendered through a canvas.

import { rasterScale } from '../diagram/standalone';
import { SVG_NS } from './dom';

/** Properties the stylesheet sets; copied as attributes because the exported file has no stylesheet. */
const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'font-family',
  'font-size',
  'font-weight',
  'opacity',
];

export interface ExportSource {
  readonly defs: SVGDefsElement;
  readonly content: SVGGElement;
  readonly width: number;
  readonly height: number;
  readonly background: string;
}

/** Serializes the whole diagram (not just the visible part) at scale 1. */
export function exportSvg(src: ExportSource): string {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('width', String(Math.ceil(src.width)));
  svg.setAttribute('height', String(Math.ceil(src.height)));
  svg.setAttribute('viewBox', `0 0 ${Math.ceil(src.width)} ${Math.ceil(src.height)}`);
  const bg = document.createElementNS(SVG_NS, 'rect');
  for (const [k, v] of Object.entries({ width: '100%', height: '100%', fill: src.background })) bg.setAttribute(k, v);
  svg.append(bg, inlined(src.defs), inlined(src.content));
  svg.lastElementChild?.removeAttribute('transform');
  for (const el of svg.querySelectorAll('[tabindex]')) el.removeAttribute('tabindex');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}`;
}

/** A deep copy whose every element carries its computed style as presentation attributes. */
function inlined(original: Element): Element {
  const copy = original.cloneNode(true) as Element;
  const from = [original, ...original.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((el, i) => {
    const style = getComputedStyle(el);
    for (const prop of STYLE_PROPS) {
      const value = style.getPropertyValue(prop);
      if (value) to[i].setAttribute(prop, value);
    }
    to[i].removeAttribute('class');
  });
  return copy;
}

/** Renders the SVG text into a canvas at up to 2× and returns a `data:image/png;base64,…` URL. */
export async function exportPng(svgText: string, width: number, height: number): Promise<string> {
  const scale = rasterScale(width, height);
  const image = new Image();
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the SVG could not be drawn as an image'));
  });
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await loaded;
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.floor(width * scale));
  canvas.height = Math.max(1, Math.floor(height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context');
  ctx.scale(scale, scale);
  ctx.drawImage(image, 0, 0, width, height);
  return canvas.toDataURL('image/png');
}
