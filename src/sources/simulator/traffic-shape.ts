/**
 * Time-varying traffic. The instantaneous event rate is
 *   rate(t) = ratePerSec x diurnal(hourOfDayUtc) x weekly(dayOfWeekUtc) x spike(t)
 * where diurnal x weekly is normalised to a mean of 1 over a week (so `ratePerSec` is the weekly
 * average), and spike(t) = spikeFactor inside the spike scenario window, else 1. The shape is
 * piecewise linear between hour marks and evaluated once per simulated minute.
 */

/** Relative traffic per UTC hour 0..23: night trough, lunch bump, evening peak. */
const HOURLY = [
  0.35, 0.22, 0.15, 0.12, 0.12, 0.18, 0.35, 0.6, 0.8, 0.9, 0.95, 1.0, 1.1, 1.05, 0.95, 0.95, 1.0, 1.1, 1.3,
  1.5, 1.6, 1.45, 1.1, 0.65,
];
/** Relative traffic per UTC weekday, Sunday = 0: weekend uplift. */
const WEEKLY = [1.25, 0.92, 0.9, 0.92, 0.95, 1.02, 1.2];

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

const WEEK_MEAN = (() => {
  const hourMean = HOURLY.reduce((s, v) => s + v, 0) / HOURLY.length;
  const dayMean = WEEKLY.reduce((s, v) => s + v, 0) / WEEKLY.length;
  return hourMean * dayMean;
})();

export type TrafficShapeKind = 'realistic' | 'flat';
export type ScenarioKind = 'none' | 'spike' | 'drop';

export interface ScenarioWindow {
  readonly kind: ScenarioKind;
  readonly startMs: number;
  readonly endMs: number;
  readonly spikeFactor: number;
}

/** diurnal x weekly at `timeMs`, mean 1 over a week. */
export function seasonalFactor(timeMs: number): number {
  const dayIndex = Math.floor(timeMs / DAY_MS);
  const weekday = (((dayIndex + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  const hourFloat = (timeMs - dayIndex * DAY_MS) / HOUR_MS;
  const h = Math.floor(hourFloat);
  const next =
    (HOURLY[(h + 1) % 24] as number) *
    (h === 23 ? (WEEKLY[(weekday + 1) % 7] as number) : (WEEKLY[weekday] as number));
  const here = (HOURLY[h] as number) * (WEEKLY[weekday] as number);
  return (here + (next - here) * (hourFloat - h)) / WEEK_MEAN;
}

/** Rate multiplier of the traffic shape and scenario, cached per simulated minute. */
export class TrafficShape {
  private cachedMinute = Number.NaN;
  private cachedFactor = 1;

  constructor(
    private readonly kind: TrafficShapeKind,
    private readonly scenario: ScenarioWindow,
  ) {}

  factorAt(timeMs: number): number {
    const minute = Math.floor(timeMs / MINUTE_MS);
    if (minute !== this.cachedMinute) {
      this.cachedMinute = minute;
      this.cachedFactor = this.kind === 'flat' ? 1 : seasonalFactor(minute * MINUTE_MS + MINUTE_MS / 2);
    }
    return this.inScenario(timeMs) && this.scenario.kind === 'spike'
      ? this.cachedFactor * this.scenario.spikeFactor
      : this.cachedFactor;
  }

  /** False inside the `drop` scenario window: checkouts fail, no purchase goes through. */
  purchasesWork(timeMs: number): boolean {
    return !(this.scenario.kind === 'drop' && this.inScenario(timeMs));
  }

  private inScenario(timeMs: number): boolean {
    return timeMs >= this.scenario.startMs && timeMs < this.scenario.endMs;
  }
}
