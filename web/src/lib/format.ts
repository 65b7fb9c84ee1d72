/** Number and time formatting of the dashboard; tiles and tests rely on these exact formats. */
const money = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 2,
});
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const pct = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 2 });

export type ValueKind = 'money' | 'count' | 'rate';

export function formatValue(value: number, kind: ValueKind): string {
  if (kind === 'money') return money.format(value);
  if (kind === 'rate') return pct.format(value);
  return count.format(value);
}

/** Change against the previous period: null when the previous value is 0 (no meaningful ratio). */
export function changeRatio(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}

export function formatAgo(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function formatClock(iso: string): string {
  return new Date(iso).toISOString().slice(11, 19) + 'Z';
}
