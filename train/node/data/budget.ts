// Node-only: the memory budget of a data set, checked from its declared sizes before any image is allocated.

import { maxImagePixels } from './decode';

/** The most bytes of pixels Stride holds in memory for one data set (train and test together). */
export const MAX_DATA_BYTES = 4 * 1024 ** 3;

/** A data set the model's input size would make too large to hold; the message gives the numbers and the fix. */
export class DataBudgetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataBudgetError';
  }
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** Throws unless `count` images of height × width × channels bytes fit the pixel limit and the data budget. */
export function checkDataBudget(what: string, count: number, height: number, width: number, channels: number): void {
  const limit = maxImagePixels();
  if (height * width > limit) {
    throw new DataBudgetError(
      `The model input (${height}, ${width}, ${channels}) makes ${what} images of ${height}×${width} pixels, more than the limit of ${limit} ` +
        `(8192×8192 unless STRIDE_MAX_IMAGE_PIXELS says otherwise); use a smaller input size.`,
    );
  }
  const bytes = count * height * width * channels;
  if (bytes > MAX_DATA_BYTES) {
    throw new DataBudgetError(
      `${count} ${what} images of (${height}, ${width}, ${channels}) would take ${gb(bytes)} of memory, more than the ${gb(MAX_DATA_BYTES)} ` +
        `Stride holds for a data set; use a smaller input size or fewer images.`,
    );
  }
}
