// Pure pixel helpers for loaded images: channel conversion and bilinear resizing (uint8, channels-last).

/** RGBA (4 bytes per pixel, as the PNG and JPEG decoders return) to 1 (luminance) or 3 channels; alpha is dropped. */
export function fromRgba(rgba: Uint8Array, pixels: number, channels: number): Uint8Array {
  const out = new Uint8Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    const r = rgba[p * 4];
    const g = rgba[p * 4 + 1];
    const b = rgba[p * 4 + 2];
    if (channels === 1) out[p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else {
      out[p * 3] = r;
      out[p * 3 + 1] = g;
      out[p * 3 + 2] = b;
    }
  }
  return out;
}

/** Bilinear resize with half-pixel centres (as tf.image.resizeBilinear with halfPixelCenters). */
export function resizeBilinear(src: Uint8Array, sh: number, sw: number, c: number, dh: number, dw: number): Uint8Array {
  if (sh === dh && sw === dw) return src;
  const out = new Uint8Array(dh * dw * c);
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * (sh / dh) - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const wy = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(Math.max((x + 0.5) * (sw / dw) - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, sw - 1);
      const wx = fx - x0;
      for (let ch = 0; ch < c; ch++) {
        const at = (yy: number, xx: number) => src[(yy * sw + xx) * c + ch];
        const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
        const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
        out[(y * dw + x) * c + ch] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}
