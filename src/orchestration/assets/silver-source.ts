import { silverDayFingerprints } from '../../batch/marts/fingerprints.js';
import { MartWorkspace } from '../../batch/marts/mart-workspace.js';
import type { Config } from '../../config/index.js';
import type { SourceAsset } from '../asset.js';

/**
 * The Silver table as a source: its version per event_date is the marts' Silver day fingerprint
 * (count and sums of event and ingest time, fingerprints.ts), so a day that got new lake commits
 * gets a new version and the marts of that day become stale.
 */
export function silverSource(config: Readonly<Config>): SourceAsset {
  return {
    kind: 'source',
    key: 'silver',
    description:
      'Silver events in the lake (written by the processor); version per event_date = its day fingerprint.',
    owner: 'pipeline',
    partitioning: 'daily',
    upstream: [],
    observeEveryMs: config.scheduler.silverObserveIntervalMs,
    async observe(deps) {
      const ws = new MartWorkspace(deps.lake, 'observe');
      try {
        return await silverDayFingerprints(ws);
      } finally {
        await ws.close();
      }
    },
  };
}
