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

/** Compact units, largest first; `k` is SI's lower-case kilo (15k, 1.2M). */
const UNITS: readonly (readonly [number, string])[] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
];
const numberFormats = new Map<string, Intl.NumberFormat>();

const STYLES: Record<ValueKind, Intl.NumberFormatOptions> = {
  money: { style: 'currency', currency: 'USD' },
  rate: { style: 'percent' },
  count: {},
};

function numberFormat(fractionDigits: number, kind: ValueKind): Intl.NumberFormat {
  const key = `${kind}:${fractionDigits}`;
  let f = numberFormats.get(key);
  if (f === undefined) {
    const style = STYLES[kind];
    f = new Intl.NumberFormat('en-US', {
      ...style,
      minimumFractionDigits: 0,
      maximumFractionDigits: fractionDigits,
    });
    numberFormats.set(key, f);
  }
  return f;
}

/**
 * `value` in the largest unit it reaches, with at most `fractionDigits` decimals (trailing zeros
 * dropped): 15000 → "15k", 1250000 → "1.25M", 999.97 with 1 digit → "1k" (rounding moves up a unit).
 */
export function formatCompact(value: number, fractionDigits = 1, kind: 'money' | 'count' = 'count'): string {
  const abs = Math.abs(value);
  let i = UNITS.findIndex(([size]) => abs >= size);
  if (i === -1) i = UNITS.length - 1;
  const factor = 10 ** fractionDigits;
  for (;;) {
    const [size, suffix] = UNITS[i]!;
    const scaled = Math.round((value / size) * factor) / factor;
    if (Math.abs(scaled) >= 1000 && i > 0) {
      i -= 1;
      continue;
    }
    return numberFormat(fractionDigits, kind).format(scaled) + suffix;
  }
}

/**
 * The ways a tile can write `value`, longest first: the full value, then shorter compact forms.
 * The tile shows the first one that fits its width (the full value stays in its tooltip).
 */
export function valueForms(value: number, kind: ValueKind): string[] {
  const forms = [formatValue(value, kind)];
  if (kind === 'rate') forms.push(...[1, 0].map((d) => numberFormat(d, 'rate').format(value)));
  else {
    if (kind === 'money') forms.push(numberFormat(0, 'money').format(value));
    forms.push(...[2, 1, 0].map((d) => formatCompact(value, d, kind)));
  }
  return [...new Set(forms)];
}

/** Tick labels of a numeric axis: compact units, as many decimals as the tick needs (up to 3). */
export function formatAxisNumber(value: number): string {
  return formatCompact(value, 3);
}

/**
 * Tick labels of a UTC time axis, `incrSec` apart: HH:MM (HH:MM:SS below a minute), and the date
 * MM-DD at midnight or when ticks are a day or more apart.
 */
export function formatTimeTick(epochSec: number, incrSec: number): string {
  const iso = new Date(epochSec * 1000).toISOString();
  const date = iso.slice(5, 10);
  if (incrSec >= 86_400) return date;
  if (incrSec < 60) return iso.slice(11, 19);
  return iso.slice(11, 16) === '00:00' ? date : iso.slice(11, 16);
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
