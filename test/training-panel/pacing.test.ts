// The background run's notification pacing and its stop deadline, on a clock the test moves.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NOTIFICATION_TEXT_INTERVAL_MS, PacedProgress, STATUS_TEXT_INTERVAL_MS, STOP_GRACE_MS, StopDeadline, TextPacer } from '../../client/training/pacing';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('notification text pacing', () => {
  it('lets the first text through, then at most one an interval', () => {
    const c = clock();
    const pacer = new TextPacer(NOTIFICATION_TEXT_INTERVAL_MS, c.now);
    const allowed: number[] = [];
    // 30 batches a second for fifteen seconds: the toast's text changes every five.
    for (let i = 0; i < 450; i++) {
      if (pacer.due()) allowed.push(i);
      c.advance(1000 / 30);
    }
    assert.deepEqual(allowed, [0, 150, 300]);
    const live = new TextPacer(STATUS_TEXT_INTERVAL_MS, c.now);
    const shown: number[] = [];
    for (let i = 0; i < 90; i++) {
      if (live.due()) shown.push(i);
      c.advance(1000 / 30);
    }
    assert.deepEqual(shown, [0, 30, 60], 'the status bar, once a second');
  });

  it('lets every text through when batches are slower than the interval', () => {
    const c = clock();
    const pacer = new TextPacer(1_000, c.now);
    const allowed = Array.from({ length: 5 }, () => {
      const due = pacer.due();
      c.advance(2_500);
      return due;
    });
    assert.deepEqual(allowed, [true, true, true, true, true]);
  });
});

describe('paced progress', () => {
  it('reports text and bar together, the bar catching up on the shares it skipped, never going back', () => {
    const c = clock();
    const reports: { message?: string; increment?: number }[] = [];
    const paced = new PacedProgress({ report: (v) => reports.push(v) }, 1_000, c.now);
    // Ten updates a second, the share done rising by 1 each; one dip (a resumed run reporting an earlier batch).
    for (let i = 1; i <= 25; i++) {
      paced.update(i === 21 ? 5 : i, `step ${i}`);
      c.advance(100);
    }
    assert.deepEqual(reports, [
      { message: 'step 1', increment: 1 },
      { message: 'step 11', increment: 10 },
      { message: 'step 21', increment: 0 },
    ]);
  });
});

describe('stop deadline', () => {
  it('is the grace while no two batches have been seen', () => {
    const c = clock();
    const d = new StopDeadline(c.now);
    assert.equal(d.graceMs(), STOP_GRACE_MS);
    d.batch();
    c.advance(60_000);
    assert.equal(d.graceMs(), STOP_GRACE_MS, 'one batch report measures no batch');
  });

  it('waits three of the slowest batches on top of the grace', () => {
    const c = clock();
    const d = new StopDeadline(c.now);
    for (const gap of [200, 40_000, 1_000]) {
      d.batch();
      c.advance(gap);
    }
    d.batch();
    assert.equal(d.graceMs(), STOP_GRACE_MS + 3 * 40_000);
  });

  it('does not count a pause as a batch', () => {
    const c = clock();
    const d = new StopDeadline(c.now);
    d.batch();
    c.advance(500);
    d.batch();
    d.interrupted(); // paused for ten minutes
    c.advance(600_000);
    d.interrupted(); // resumed
    c.advance(700);
    d.batch();
    c.advance(300);
    d.batch();
    assert.equal(d.graceMs(), STOP_GRACE_MS + 3 * 500);
  });
});
