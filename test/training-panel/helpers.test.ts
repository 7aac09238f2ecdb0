// Pure helpers of the training panel: chart scaling and ticks, point thinning, heat-map normalisation and colours, telemetry.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extent, formatTick, linePath, niceTicks, scale, thin } from '../../webview/training/chart-scale';
import { channel, colour, finiteRange, normalise, toRgba, topK } from '../../webview/training/heatmap';
import { formatBytes, formatDuration, secondsLeft, Throughput } from '../../webview/training/telemetry';

describe('chart scaling', () => {
  it('takes the finite extent of several series and widens flat or empty ones', () => {
    assert.deepEqual(
      extent([
        [3, NaN, 1],
        [Infinity, 2],
      ]),
      { min: 1, max: 3 },
    );
    assert.deepEqual(extent([[2, 2]]), { min: 1, max: 3 });
    assert.deepEqual(extent([[0]]), { min: -0.5, max: 0.5 });
    assert.deepEqual(extent([[], [NaN]]), { min: 0, max: 1 });
  });

  it('chooses 1-2-5 ticks that cover the range', () => {
    assert.deepEqual(niceTicks({ min: 0.83, max: 1.41 }, 4), { range: { min: 0.8, max: 1.6 }, ticks: [0.8, 1, 1.2, 1.4, 1.6], step: 0.2 });
    assert.deepEqual(niceTicks({ min: 0, max: 1 }, 5).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks({ min: 3, max: 97 }, 4).ticks, [0, 50, 100]);
    assert.deepEqual(niceTicks({ min: 3, max: 97 }, 8).ticks, [0, 20, 40, 60, 80, 100]);
    const t = niceTicks({ min: 0.0012, max: 0.0049 }, 3);
    assert.deepEqual(t.ticks, [0, 0.002, 0.004, 0.006]);
  });

  it('maps values to pixels, flipped for the y axis', () => {
    const x = scale({ min: 0, max: 10 }, { min: 40, max: 140 });
    assert.equal(x(0), 40);
    assert.equal(x(5), 90);
    const y = scale({ min: 0, max: 1 }, { min: 10, max: 110 }, true);
    assert.equal(y(0), 110);
    assert.equal(y(1), 10);
  });

  it('thins long series by bucket means and keeps short ones', () => {
    assert.deepEqual(thin([1, 2, 3], [4, 5, 6], 10), { xs: [1, 2, 3], ys: [4, 5, 6] });
    const xs = Array.from({ length: 1000 }, (_, i) => i + 1);
    const t = thin(
      xs,
      xs.map((v) => v * 2),
      10,
    );
    assert.equal(t.xs.length, 10);
    assert.equal(t.xs[9], 1000);
    assert.equal(t.ys[0], 101); // mean of 2..200
    assert.deepEqual(thin([1, 2, 3, 4], [NaN, NaN, 1, 3], 2).ys, [NaN, 2]);
  });

  it('breaks paths at non-finite points and formats ticks briefly', () => {
    const id = (v: number) => v;
    assert.equal(linePath([0, 1, 2, 3], [1, NaN, 2, 3], id, id), 'M0.0,1.0M2.0,2.0L3.0,3.0');
    assert.deepEqual([0, 0.25, 1500, 12, 0.000123].map(formatTick), ['0', '0.25', '1.5k', '12', '0.000123']);
  });
});

describe('heat maps', () => {
  it('normalises each map by its own finite range', () => {
    assert.deepEqual(finiteRange([2, NaN, -1, Infinity]), { min: -1, max: 2 });
    assert.deepEqual(Array.from(normalise([-1, 0, 1, 3])), [0, 0.25, 0.5, 1]);
    assert.deepEqual(Array.from(normalise([5, 5, 5])), [0, 0, 0]);
    assert.deepEqual(Array.from(normalise([0, NaN, 2])), [0, 0, 1]);
  });

  it('colours from dark to bright along the ramp, clamping outside [0, 1]', () => {
    assert.deepEqual(colour(0), [68, 1, 84]);
    assert.deepEqual(colour(1), [253, 231, 37]);
    assert.deepEqual(colour(-3), colour(0));
    assert.deepEqual(colour(NaN), colour(0));
    const lum = (c: number[]) => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    for (let k = 0; k < 10; k++) assert.ok(lum(colour((k + 1) / 10)) > lum(colour(k / 10)), `brighter after ${k / 10}`);
    assert.deepEqual(Array.from(toRgba(new Float32Array([1]))), [253, 231, 37, 255]);
  });

  it('extracts a channel from channels-last data and ranks classes', () => {
    // 2×2 pixels, 3 channels: value = pixel * 10 + channel.
    const data = [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32];
    assert.deepEqual(Array.from(channel(data, 2, 2, 3, 1)), [1, 11, 21, 31]);
    assert.deepEqual(topK([0.1, 0.6, NaN, 0.3], 2), [1, 3]);
    assert.deepEqual(topK([0.5, 0.5], 5), [0, 1]);
  });
});

describe('telemetry', () => {
  it('measures throughput over a sliding window', () => {
    const t = new Throughput(5);
    assert.equal(t.rate(), null);
    t.mark(0, 0);
    t.mark(1, 100);
    assert.equal(t.rate(), 100);
    t.mark(10, 2100); // the first marks fall out of the window
    t.mark(11, 2400);
    assert.equal(t.rate(), 300);
  });

  it('estimates and formats time and sizes', () => {
    assert.equal(secondsLeft(500, 100), 5);
    assert.equal(secondsLeft(500, null), null);
    assert.equal(secondsLeft(500, 0), null);
    assert.deepEqual([null, 4.4, 75, 7260].map(formatDuration), ['–', '4s', '1m 15s', '2h 01m']);
    assert.deepEqual([512, 2048, 5 * 1024 * 1024, 3.5 * 2 ** 30].map(formatBytes), ['512 B', '2.0 KiB', '5.0 MiB', '3.5 GiB']);
  });
});
