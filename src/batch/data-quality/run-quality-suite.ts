import { randomUUID } from 'node:crypto';
import type { Lake } from '../../lake/index.js';
import type { ServingStore } from '../../store/serving-store.js';
import { scoreOf, type DqCheckResult, type DqOptions } from './dq-check.js';
import { freshness, servingConsistency, validity, volume } from './serving-checks.js';
import { silverChecks } from './silver-checks.js';

export interface DqRun {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** 0-100: weighted share of passed checks (dq-check.ts scoreOf). */
  readonly score: number;
  readonly checks: readonly DqCheckResult[];
}

/** Runs every check over the lake (Silver) and the serving DB, then records the run in data_quality_runs/logs. */
export async function runQualitySuite(deps: {
  lake: Lake;
  store: ServingStore;
  options: DqOptions;
  nowMs: number;
}): Promise<DqRun> {
  const startedAt = new Date(deps.nowMs).toISOString();
  const checks = [
    ...(await silverChecks(deps.lake, deps.options)),
    await validity(deps.store, deps.options),
    await freshness(deps.store, deps.options, deps.nowMs),
    ...(await volume(deps.store, deps.options)),
    ...(await servingConsistency(deps.store)),
  ];
  const run: DqRun = {
    runId: randomUUID(),
    startedAt,
    finishedAt: new Date().toISOString(),
    score: scoreOf(checks),
    checks,
  };
  await recordRun(deps.store, run);
  return run;
}

async function recordRun(store: ServingStore, run: DqRun): Promise<void> {
  await store.transaction(async (tx) => {
    const passed = run.checks.filter((c) => c.passed).length;
    await tx.query(
      `INSERT INTO serving.data_quality_runs (run_id, started_at, finished_at, score, checks_passed, checks_failed) VALUES ($1, $2::timestamptz, $3::timestamptz, $4, $5, $6)`,
      [run.runId, run.startedAt, run.finishedAt, run.score, passed, run.checks.length - passed],
    );
    for (const c of run.checks) {
      await tx.query(
        `INSERT INTO serving.data_quality_logs (run_id, check_name, category, passed, observed, threshold, weight, message, details, checked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::timestamptz)`,
        [
          run.runId,
          c.name,
          c.category,
          c.passed,
          c.observed,
          c.threshold,
          c.weight,
          c.message,
          JSON.stringify(c.details),
          run.finishedAt,
        ],
      );
    }
  });
}
