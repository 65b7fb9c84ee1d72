import type { ApiStore } from './api-store.js';

export interface DqCheckRow {
  readonly check: string;
  readonly category: string;
  readonly passed: boolean;
  readonly observed: number | null;
  readonly threshold: number | null;
  readonly message: string;
}

export interface DqRunSummary {
  readonly runId: string;
  readonly finishedAt: string;
  readonly score: number;
  readonly checksPassed: number;
  readonly checksFailed: number;
  readonly checks: readonly DqCheckRow[];
}

/** The newest data-quality run (`shopstream dq run` or the scheduler) with its checks; null before any. */
export async function latestDqRun(store: ApiStore): Promise<DqRunSummary | null> {
  const runs = await store.query<{
    run_id: string;
    finished_at: Date;
    score: number;
    checks_passed: number;
    checks_failed: number;
  }>(
    `SELECT run_id, finished_at, score, checks_passed, checks_failed
       FROM serving.data_quality_runs ORDER BY started_at DESC LIMIT 1`,
  );
  const run = runs[0];
  if (run === undefined) return null;
  const checks = await store.query<{
    check_name: string;
    category: string;
    passed: boolean;
    observed: number | null;
    threshold: number | null;
    message: string;
  }>(
    `SELECT check_name, category, passed, observed, threshold, message
       FROM serving.data_quality_logs WHERE run_id = $1 ORDER BY passed, check_name`,
    [run.run_id],
  );
  return {
    runId: run.run_id,
    finishedAt: new Date(run.finished_at).toISOString(),
    score: Number(run.score),
    checksPassed: Number(run.checks_passed),
    checksFailed: Number(run.checks_failed),
    checks: checks.map((c) => ({
      check: c.check_name,
      category: c.category,
      passed: c.passed,
      observed: c.observed === null ? null : Number(c.observed),
      threshold: c.threshold === null ? null : Number(c.threshold),
      message: c.message,
    })),
  };
}
