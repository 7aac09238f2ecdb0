// Pure run telemetry: throughput over a sliding window, time remaining, and readable sizes and durations.

/** Samples per second over the last `window` seconds of (time, samples-so-far) marks. */
export class Throughput {
  private readonly marks: { t: number; n: number }[] = [];

  constructor(private readonly window = 5) {}

  mark(seconds: number, samples: number): void {
    this.marks.push({ t: seconds, n: samples });
    while (this.marks.length > 2 && seconds - this.marks[0].t > this.window) this.marks.shift();
  }

  /** Null until two marks are at least a few milliseconds apart. */
  rate(): number | null {
    if (this.marks.length < 2) return null;
    const a = this.marks[0];
    const b = this.marks[this.marks.length - 1];
    const dt = b.t - a.t;
    return dt > 0.005 ? (b.n - a.n) / dt : null;
  }

  reset(): void {
    this.marks.length = 0;
  }
}

/** Seconds left for `remaining` samples at `rate` samples/s; null when unknown. */
export function secondsLeft(remaining: number, rate: number | null): number | null {
  if (rate === null || rate <= 0 || !Number.isFinite(rate)) return null;
  return Math.max(0, remaining) / rate;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
