/** The dashboard's range and grain choices. */
export type RangeId = '15m' | '1h' | '24h' | '7d';
export type GrainChoice = 'auto' | 'minute' | 'hour' | 'day';
export type Grain = 'minute' | 'hour' | 'day';

export const RANGES: { id: RangeId; label: string; ms: number; autoGrain: Grain }[] = [
  { id: '15m', label: '15 min', ms: 15 * 60_000, autoGrain: 'minute' },
  { id: '1h', label: '1 h', ms: 3_600_000, autoGrain: 'minute' },
  { id: '24h', label: '24 h', ms: 24 * 3_600_000, autoGrain: 'hour' },
  { id: '7d', label: '7 d', ms: 7 * 24 * 3_600_000, autoGrain: 'hour' },
];

function rangeMs(id: RangeId): number {
  return RANGES.find((r) => r.id === id)?.ms ?? 3_600_000;
}

export function effectiveGrain(range: RangeId, grain: GrainChoice): Grain {
  if (grain !== 'auto') return grain;
  return RANGES.find((r) => r.id === range)?.autoGrain ?? 'minute';
}

/** [from, to) of the range ending now, as ISO strings; `to` is the next whole minute. */
export function currentWindow(range: RangeId, nowMs = Date.now()): { from: string; to: string } {
  const toMs = Math.ceil((nowMs + 1) / 60_000) * 60_000;
  return { from: new Date(toMs - rangeMs(range)).toISOString(), to: new Date(toMs).toISOString() };
}
