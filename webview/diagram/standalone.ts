// A diagram as a standalone SVG file: the preview's drawing with its stylesheet in fixed colours, no page around it.

import type { DiagramLayout } from '../layout/layout';
import { arrowDefs, diagramLayers } from './draw';
import { diagramRules, type DiagramPalette } from './style';
import { el, textEl, toXml } from './svg-tree';

export interface StandaloneOptions {
  readonly palette: DiagramPalette;
  /** The document's title (the model name): shown by viewers and read by screen readers. */
  readonly title?: string;
}

/** The whole diagram at scale 1 with a background, so it reads the same in any viewer and on any page colour. */
export function standaloneSvg(layout: DiagramLayout, options: StandaloneOptions): string {
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  const svg = el('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' }, [
    ...(options.title === undefined ? [] : [textEl('title', options.title)]),
    textEl('style', `\n${diagramRules(options.palette)}\n`),
    arrowDefs(),
    el('rect', { width: '100%', height: '100%', fill: options.palette.bg }),
    el('g', { class: 'diagram' }, diagramLayers(layout, { interactive: false })),
  ]);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${toXml(svg)}\n`;
}

/** Browsers cap canvas sides and area; a raster stays below the smallest common limits. */
const MAX_SIDE = 16_000;
const MAX_AREA = 120_000_000;

/** The scale a PNG of a `width` × `height` drawing is rendered at: 2× for sharpness, less where that is too large. */
export function rasterScale(width: number, height: number): number {
  return Math.min(2, MAX_SIDE / Math.max(width, height), Math.sqrt(MAX_AREA / Math.max(1, width * height)));
}
