// Draws the extension icon (media/icon.png, 128×128): three stacked feature maps shrinking as a CNN goes deeper.
// Run: node scripts/draw-icon.js. Pure pixels with pngjs, so the PNG is reproducible byte for byte.

const fs = require('node:fs');
const path = require('node:path');
const { PNG } = require('pngjs');

const SIZE = 128;

/** Feature maps from input to deeper layers: position, size and colour (RGB). */
const MAPS = [
  { x: 10, y: 38, size: 64, fill: [38, 99, 176] },
  { x: 44, y: 28, size: 48, fill: [46, 139, 192] },
  { x: 78, y: 20, size: 34, fill: [72, 187, 170] },
];

/** A rounded square of background behind the maps, in a dark slate. */
function background(png) {
  const radius = 22;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const dx = Math.max(radius - x, x - (SIZE - 1 - radius), 0);
      const dy = Math.max(radius - y, y - (SIZE - 1 - radius), 0);
      // Coverage of the corner's arc, anti-aliased over one pixel.
      const alpha = Math.max(0, Math.min(1, radius + 0.5 - Math.hypot(dx, dy)));
      put(png, x, y, [30, 41, 59], alpha);
    }
  }
}

function put(png, x, y, [r, g, b], alpha = 1) {
  const i = (y * SIZE + x) * 4;
  const a = png.data[i + 3] / 255;
  const out = alpha + a * (1 - alpha);
  const mix = (c, old) => (out === 0 ? 0 : Math.round((c * alpha + old * a * (1 - alpha)) / out));
  png.data[i] = mix(r, png.data[i]);
  png.data[i + 1] = mix(g, png.data[i + 1]);
  png.data[i + 2] = mix(b, png.data[i + 2]);
  png.data[i + 3] = Math.round(out * 255);
}

/** One feature map: a filled square with a light border and a 4×4 grid of cells. */
function featureMap(png, { x, y, size, fill }) {
  const light = fill.map((c) => Math.min(255, c + 90));
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const border = i < 2 || j < 2 || i >= size - 2 || j >= size - 2;
      const grid = (i % (size / 4) === 0 || j % (size / 4) === 0) && !border;
      put(png, x + i, y + j, border ? light : grid ? fill.map((c) => Math.min(255, c + 40)) : fill);
    }
  }
}

/** The stride arrow under the maps: a light line from the first map to the last with a head. */
function arrow(png) {
  const color = [226, 232, 240];
  for (let x = 20; x <= 104; x++) for (let t = 0; t < 3; t++) put(png, x, 112 + t, color);
  for (let k = 0; k < 8; k++) for (let t = -k; t <= k; t++) put(png, 112 - k, 113 + t, color);
}

function main() {
  const png = new PNG({ width: SIZE, height: SIZE });
  background(png);
  for (const map of MAPS) featureMap(png, map);
  arrow(png);
  const out = path.join(__dirname, '..', 'media', 'icon.png');
  fs.writeFileSync(out, PNG.sync.write(png));
  process.stdout.write(`${out}\n`);
}

main();
