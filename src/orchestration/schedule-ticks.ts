import { Cron } from 'croner';
import type { CatchUp, MaterialisedAsset } from './asset.js';

const DAY_MS = 86_400_000;

/** The UTC day (`YYYY-MM-DD`) of an instant. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Ticks of a cron or interval schedule after `lastTickMs` up to `nowMs` (at most `limit`, oldest
 * first). An interval's ticks are `lastTickMs + k * everyMs`.
 */
export function ticksSince(
  asset: MaterialisedAsset,
  lastTickMs: number,
  nowMs: number,
  limit = 1000,
): number[] {
  const s = asset.schedule;
  const out: number[] = [];
  if (s.kind === 'interval') {
    if (s.everyMs <= 0) return out;
    for (let t = lastTickMs + s.everyMs; t <= nowMs && out.length < limit; t += s.everyMs) out.push(t);
  } else if (s.kind === 'cron') {
    const cron = new Cron(s.cron, { paused: true, timezone: 'UTC' });
    let next = cron.nextRun(new Date(lastTickMs));
    while (next !== null && next.getTime() <= nowMs && out.length < limit) {
      out.push(next.getTime());
      next = cron.nextRun(next);
    }
  }
  return out;
}

/**
 * The partitions to queue for the ticks that passed. One tick is a normal run; more than one means
 * the scheduler was down: `once` queues the newest only, `all` every tick, `skip` none. A daily
 * asset's tick queues the day before the tick (the last complete day); an unpartitioned one ''.
 */
export function partitionsForTicks(
  asset: MaterialisedAsset,
  ticks: readonly number[],
  catchUp: CatchUp,
): string[] {
  if (ticks.length === 0) return [];
  const chosen = ticks.length === 1 || catchUp === 'all' ? ticks : catchUp === 'once' ? ticks.slice(-1) : [];
  const parts = chosen.map((t) => (asset.partitioning === 'daily' ? dayOf(t - DAY_MS) : ''));
  return [...new Set(parts)];
}
