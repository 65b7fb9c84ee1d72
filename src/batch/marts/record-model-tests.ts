import { scoreOf, type DqCategory, type DqCheckResult } from '../data-quality/index.js';
import type { ServingStore } from '../../store/serving-store.js';
import type { ModelTestResult } from './model-tests.js';

const CATEGORY: Readonly<Record<ModelTestResult['kind'], DqCategory>> = {
  unique: 'uniqueness',
  not_null: 'completeness',
  accepted_values: 'validity',
  relationships: 'consistency',
};

/** One check per (model, test), summed over the partitions it ran on. */
export function testChecks(results: readonly ModelTestResult[]): DqCheckResult[] {
  const byName = new Map<string, ModelTestResult[]>();
  for (const r of results) {
    const name = `mart.${r.model}.${r.test}`;
    byName.set(name, [...(byName.get(name) ?? []), r]);
  }
  return [...byName].map(([name, runs]) => {
    const failing = runs.reduce((s, r) => s + r.failing, 0);
    const failedPartitions = runs.filter((r) => r.failing > 0).map((r) => r.partition);
    return {
      name,
      category: CATEGORY[runs[0]!.kind],
      passed: failing === 0,
      observed: failing,
      threshold: 0,
      weight: 1,
      message: `${failing} offending rows in ${runs.length} partition(s)${failedPartitions.length ? `: ${failedPartitions.slice(0, 5).join(', ')}` : ''}`,
      details: { partitions: runs.length, failedPartitions },
    };
  });
}

/**
 * Records a build's model tests like a data-quality run: one `data_quality_runs` row (run_id =
 * `marts:<buildId>`, score = weighted share of passed checks) and one `data_quality_logs` row per check.
 */
export async function recordModelTests(
  store: ServingStore,
  buildId: string,
  startedAt: string,
  results: readonly ModelTestResult[],
): Promise<{ runId: string; score: number; failed: number }> {
  const checks = testChecks(results);
  const runId = `marts:${buildId}`;
  const passed = checks.filter((c) => c.passed).length;
  const score = scoreOf(checks);
  const finishedAt = new Date().toISOString();
  await store.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO serving.data_quality_runs (run_id, started_at, finished_at, score, checks_passed, checks_failed)
       VALUES ($1, $2::timestamptz, $3::timestamptz, $4, $5, $6)`,
      [runId, startedAt, finishedAt, score, passed, checks.length - passed],
    );
    if (checks.length === 0) return;
    await tx.query(
      `INSERT INTO serving.data_quality_logs (run_id, check_name, category, passed, observed, threshold, weight, message, details, checked_at)
       SELECT $1, n, c, p, o, 0, 1, m, d::jsonb, $2::timestamptz
       FROM unnest($3::text[], $4::text[], $5::bool[], $6::float8[], $7::text[], $8::text[]) AS u(n, c, p, o, m, d)`,
      [
        runId,
        finishedAt,
        checks.map((c) => c.name),
        checks.map((c) => c.category),
        checks.map((c) => c.passed),
        checks.map((c) => c.observed),
        checks.map((c) => c.message),
        checks.map((c) => JSON.stringify(c.details)),
      ],
    );
  });
  return { runId, score, failed: checks.length - passed };
}
