import type { Point } from './api-types.js';
import type { Grain } from './time-range.js';

const GRAIN_MS: Record<Grain, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Start of the bucket of `grain` (UTC, as the API buckets) that is still filling at `nowMs`: a point
 * at or after it is incomplete. Alerts follow the same rule by scoring the second-latest window.
 */
export function openBucketStartMs(grain: Grain, nowMs: number): number {
  const size = GRAIN_MS[grain];
  return Math.floor(nowMs / size) * size;
}

/** The points of windows that have ended (before `openFromMs`), in their order. */
export function completePoints(points: readonly Point[], openFromMs: number): Point[] {
  return points.filter((p) => Date.parse(p.ts) < openFromMs);
}
