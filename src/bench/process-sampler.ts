import { readFile } from 'node:fs/promises';

/** One reading of another process (Linux /proc): resident memory and CPU time so far. */
export interface ProcessSample {
  readonly atMs: number;
  readonly rssMiB: number;
  /** user + system CPU seconds since the process started. */
  readonly cpuS: number;
}

const CLOCK_TICKS_PER_S = 100;

/** Reads /proc/<pid>/status (VmRSS, VmHWM) and /proc/<pid>/stat (utime + stime). */
export async function sampleProcess(pid: number): Promise<ProcessSample & { peakRssMiB: number }> {
  const [status, stat] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8'),
    readFile(`/proc/${pid}/stat`, 'utf8'),
  ]);
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return {
    atMs: Date.now(),
    rssMiB: kib('VmRSS') / 1024,
    peakRssMiB: kib('VmHWM') / 1024,
    cpuS: ticks / CLOCK_TICKS_PER_S,
  };
}

/** Least-squares slope of RSS over time, in MiB per hour (0 with fewer than two samples). */
export function rssSlopeMiBPerHour(samples: readonly ProcessSample[]): number {
  return slopePerHour(samples, (s) => s.rssMiB);
}

/** Least-squares slope of `value` over the samples' times, per hour (0 with fewer than two samples). */
export function slopePerHour<T extends { readonly atMs: number }>(
  samples: readonly T[],
  value: (sample: T) => number,
): number {
  if (samples.length < 2) return 0;
  const t0 = samples[0]!.atMs;
  const xs = samples.map((s) => (s.atMs - t0) / 3_600_000);
  const ys = samples.map(value);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Slope per hour of the floor of `value`: the smallest sample of each `windowMs` window (from
 * the first sample on), fitted by least squares. A sawtooth of caches and garbage collection
 * does not move it; memory that is never given back does. 0 with fewer than two windows.
 */
export function floorSlopePerHour<T extends { readonly atMs: number }>(
  samples: readonly T[],
  value: (sample: T) => number,
  windowMs: number,
): number {
  if (samples.length === 0) return 0;
  const t0 = samples[0]!.atMs;
  const floors = new Map<number, { atMs: number; v: number }>();
  for (const s of samples) {
    const w = Math.floor((s.atMs - t0) / windowMs);
    const v = value(s);
    const f = floors.get(w);
    if (f === undefined || v < f.v) floors.set(w, { atMs: s.atMs, v });
  }
  return slopePerHour([...floors.values()], (f) => f.v);
}
