import { silverDayFingerprints } from '../../batch/marts/fingerprints.js';
import { MartWorkspace } from '../../batch/marts/mart-workspace.js';
import type { Config } from '../../config/index.js';
import type { SourceAsset } from '../asset.js';

/** The open day's version as last reported, and since when. */
export interface HeldDay {
  readonly day: string;
  readonly version: string;
  readonly sinceMs: number;
}

/**
 * What the Silver source reports for an observation at `nowMs`: the open day (the UTC day of
 * `nowMs`, the one the processor is still filling) keeps the version it last reported until
 * `holdMs` have passed, so its marts, which re-read the whole day so far, are rebuilt at most that
 * often; every other day reports its fingerprint as observed, so a late event re-opens a closed day
 * at the next observation, and the day just closed gets its final build at the first observation
 * after midnight. `holdMs` 0 reports every change.
 */
export function holdOpenDay(
  observed: ReadonlyMap<string, string>,
  held: HeldDay | undefined,
  nowMs: number,
  holdMs: number,
): { versions: ReadonlyMap<string, string>; held: HeldDay | undefined } {
  const day = new Date(nowMs).toISOString().slice(0, 10);
  const version = observed.get(day);
  if (holdMs <= 0 || version === undefined) return { versions: observed, held };
  if (held !== undefined && held.day === day && nowMs - held.sinceMs < holdMs) {
    if (held.version === version) return { versions: observed, held };
    return { versions: new Map([...observed, [day, held.version]]), held };
  }
  return { versions: observed, held: { day, version, sinceMs: nowMs } };
}

/**
 * The Silver table as a source: its version per event_date is the marts' Silver day fingerprint
 * (count and sums of event and ingest time, fingerprints.ts), so a day that got new lake commits
 * gets a new version and the marts of that day become stale; the open day at most every
 * scheduler.openDayRefreshMs (`holdOpenDay`).
 */
export function silverSource(config: Readonly<Config>): SourceAsset {
  let held: HeldDay | undefined;
  return {
    kind: 'source',
    key: 'silver',
    description:
      'Silver events in the lake (written by the processor); version per event_date = its day fingerprint, the open day refreshed at most every scheduler.openDayRefreshMs.',
    owner: 'pipeline',
    partitioning: 'daily',
    upstream: [],
    observeEveryMs: config.scheduler.silverObserveIntervalMs,
    async observe(deps, nowMs) {
      const ws = new MartWorkspace(deps.lake, 'observe');
      try {
        const reported = holdOpenDay(
          await silverDayFingerprints(ws),
          held,
          nowMs,
          config.scheduler.openDayRefreshMs,
        );
        held = reported.held;
        return reported.versions;
      } finally {
        await ws.close();
      }
    },
  };
}
