// `stride plot --format png`: the standalone SVG rasterised by Chromium decodes as a PNG of the drawing's size
// (2×), with the drawing's colours in it; without Chromium the CLI says what it needs.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { LIGHT } from '../../webview/diagram/style';
import { CHROMIUM } from '../helpers/chromium';
import { EXAMPLES } from '../helpers/fixtures';
import { parseXml, stride } from './plot-helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-plot-png-'));
const example = (name: string) => path.join(EXAMPLES, `${name}.stride`);
const hasChromium = fs.existsSync(CHROMIUM);

/** The SVG's size, from the SVG plot of the same model and flags. */
function svgSize(name: string, flags: string[]): { width: number; height: number } {
  const r = stride(['plot', example(name), '--out', '-', ...flags]);
  assert.equal(r.status, 0, r.stderr);
  const svg = parseXml(r.stdout.toString('utf8'));
  return { width: Number(svg.attributes.width), height: Number(svg.attributes.height) };
}

const hex = (colour: string) => [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));

/** Share of pixels that are not the background, and whether a given colour occurs. */
function pixels(image: PNG): { ink: number; has: (colour: string) => boolean } {
  const seen = new Set<number>();
  let ink = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
    seen.add((r << 16) | (g << 8) | b);
    if (r < 250 || g < 250 || b < 250) ink++;
  }
  const has = (colour: string) => {
    const [r, g, b] = hex(colour);
    return seen.has((r << 16) | (g << 8) | b);
  };
  return { ink: ink / (image.width * image.height), has };
}

describe('stride plot: PNG through Chromium', { skip: hasChromium ? false : `Chromium not found at ${CHROMIUM} (scripts/setup-e2e.sh)` }, () => {
  for (const [name, flags] of [
    ['resnet18', ['--collapsed']],
    ['unet', ['--expanded']],
  ] as const) {
    test(`${name} ${flags.join(' ')}: a PNG at twice the drawing's size, white background, boxes and accents drawn`, () => {
      const out = path.join(dir, `${name}.png`);
      const r = stride(['plot', example(name), '--format', 'png', '--out', out, ...flags], { STRIDE_CHROMIUM: CHROMIUM });
      assert.equal(r.status, 0, r.stderr);
      const image = PNG.sync.read(fs.readFileSync(out));
      const size = svgSize(name, [...flags]);
      assert.equal(image.width, 2 * size.width);
      assert.equal(image.height, 2 * size.height);
      const p = pixels(image);
      assert.ok(p.ink > 0.05 && p.ink < 0.6, `ink ${p.ink}`);
      assert.ok(p.has(LIGHT.bg) && p.has(LIGHT.box), 'background and box fill');
      assert.ok(p.has(LIGHT.categories['cat-conv']), 'a convolution accent bar');
    });
  }
});

describe('stride plot: PNG without a browser', () => {
  test('a missing Chromium is a clear error, and no file is left', () => {
    const out = path.join(dir, 'none.png');
    const r = stride(['plot', example('lenet5'), '--format', 'png', '--out', out], { STRIDE_CHROMIUM: path.join(dir, 'no-chromium') });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /PNG output needs Chromium: install it .* or set STRIDE_CHROMIUM/);
    assert.equal(fs.existsSync(out), false);
  });
});
