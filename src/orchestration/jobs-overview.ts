import type { SqlExecutor } from '../store/serving-store.js';
import type { AssetDefinition, Schedule } from './asset.js';
import type { AssetGraph } from './asset-graph.js';
import { listQueue } from './job-queue.js';
import { latestRuns, type RunRow } from './run-log.js';
import { readLease, type LeaseHolder } from './scheduler-lease.js';

export interface AssetOverview {
  readonly key: string;
  readonly kind: AssetDefinition['kind'];
  readonly description: string;
  readonly owner: string;
  readonly partitioning: AssetDefinition['partitioning'];
  readonly upstream: readonly string[];
  readonly schedule: string;
  /** Status of the newest attempt of any partition (null: never ran). */
  readonly lastStatus: RunRow['status'] | null;
  readonly lastRunAt: string | null;
  readonly lastSuccessAt: string | null;
  /** fresh | late (past its freshness policy) | unknown (no policy or never succeeded). */
  readonly freshness: 'fresh' | 'late' | 'unknown';
  readonly queued: number;
  readonly running: number;
  /** Newest failures (after their last retry or not), newest first, at most 5. */
  readonly recentErrors: readonly {
    partition: string;
    attempt: number;
    at: string;
    code: string | null;
    message: string | null;
  }[];
}

export interface JobsOverview {
  readonly scheduler: LeaseHolder | null;
  readonly assets: readonly AssetOverview[];
  readonly queue: readonly {
    asset: string;
    partition: string;
    attempts: number;
    notBefore: string;
    trigger: string;
  }[];
  readonly running: readonly RunRow[];
}

export function describeSchedule(s: Schedule): string {
  if (s.kind === 'cron') return `cron ${s.cron}`;
  if (s.kind === 'interval') return `every ${s.everyMs} ms`;
  return s.kind === 'upstream' ? 'on upstream change' : 'manual';
}

/** What `jobs list|status`, GET /api/v1/jobs and the Pipelines page show. */
export async function readJobsOverview(
  db: SqlExecutor,
  graph: AssetGraph,
  nowMs = Date.now(),
): Promise<JobsOverview> {
  const [lease, queue, latest, successes, failures] = await Promise.all([
    readLease(db),
    listQueue(db),
    latestRuns(db, null),
    latestRuns(db, ['succeeded']),
    db.query<{
      asset: string;
      partition_key: string;
      attempt: number;
      started_at: Date;
      error_code: string | null;
      error_message: string | null;
    }>(
      `SELECT asset, partition_key, attempt, started_at, error_code, error_message FROM serving.pipeline_execution_logs
       WHERE status IN ('failed', 'crashed', 'skipped') ORDER BY started_at DESC LIMIT 200`,
    ),
  ]);
  const newest = (rows: readonly RunRow[], key: string) =>
    rows
      .filter((r) => r.asset === key)
      .reduce<RunRow | null>((a, r) => (a === null || r.startedAt > a.startedAt ? r : a), null);
  const assets = graph.all().map((a): AssetOverview => {
    const last = newest(latest, a.key);
    const ok = newest(successes, a.key);
    const freshnessMaxMs = a.kind === 'materialised' ? a.freshnessMaxMs : 0;
    const okAt = ok?.finishedAt ?? null;
    return {
      key: a.key,
      kind: a.kind,
      description: a.description,
      owner: a.owner,
      partitioning: a.partitioning,
      upstream: a.upstream,
      schedule: a.kind === 'source' ? `observed every ${a.observeEveryMs} ms` : describeSchedule(a.schedule),
      lastStatus: last?.status ?? null,
      lastRunAt: last?.startedAt ?? null,
      lastSuccessAt: okAt,
      freshness:
        freshnessMaxMs <= 0 || okAt === null
          ? 'unknown'
          : nowMs - Date.parse(okAt) > freshnessMaxMs
            ? 'late'
            : 'fresh',
      queued: queue.filter((q) => q.asset === a.key).length,
      running: latest.filter((r) => r.asset === a.key && r.status === 'running').length,
      recentErrors: failures
        .filter((f) => f.asset === a.key)
        .slice(0, 5)
        .map((f) => ({
          partition: f.partition_key,
          attempt: Number(f.attempt),
          at: new Date(f.started_at).toISOString(),
          code: f.error_code,
          message: f.error_message,
        })),
    };
  });
  return {
    scheduler: lease,
    assets,
    queue: queue.map((q) => ({
      asset: q.asset,
      partition: q.partition,
      attempts: q.attempts,
      notBefore: q.notBefore.toISOString(),
      trigger: q.trigger,
    })),
    running: latest.filter((r) => r.status === 'running'),
  };
}
