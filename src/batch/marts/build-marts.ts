import { randomUUID } from 'node:crypto';
import type { Lake } from '../../lake/index.js';
import type { ServingStore } from '../../store/serving-store.js';
import { buildDayModels, type MartRowsHook } from './build-day-models.js';
import type { BuildProgress, ModelBuildSummary } from './build-summary.js';
import { buildWarehouse, WAREHOUSE_INPUTS } from './build-warehouse.js';
import { silverDayFingerprints } from './fingerprints.js';
import { daysBetween } from './mart-dates.js';
import type { ModelName } from './mart-model.js';
import { MartWorkspace } from './mart-workspace.js';
import { DAY_MODELS, WAREHOUSE_MODELS, withUpstream } from './model-registry.js';
import type { ModelTestResult } from './model-tests.js';
import { readPartitionState } from './partition-state.js';
import { recordModelTests } from './record-model-tests.js';

export interface MartOptions {
  readonly sessionTimeoutMinutes: number;
  readonly topProducts: number;
  readonly publishBatchRows: number;
  /** fsync lake copies before the rename (lake.fsync). */
  readonly fsync: boolean;
  /** Rows per page when the imported history is copied into DuckDB. */
  readonly importPageRows?: number;
}

export interface MartBuildRequest {
  /** Rebuild these days (both included) whatever their state; without them: only stale days. */
  readonly fromDay?: string;
  readonly toDay?: string;
  /** Models to build (with everything upstream); empty = all. */
  readonly models?: readonly string[];
}

export interface MartBuild {
  readonly buildId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** failed: at least one model test failed; what failed was not published. */
  readonly status: 'ok' | 'failed';
  readonly models: readonly ModelBuildSummary[];
  /** Computing and testing the warehouse (0 when it was fresh); each model's elapsedMs is its own work. */
  readonly warehouseComputeMs: number;
  /** The data-quality run holding the model tests (`marts:<buildId>`), its score and failed checks. */
  readonly tests: { readonly runId: string; readonly score: number; readonly failed: number };
  readonly failures: readonly ModelTestResult[];
}

export interface MartBuildDeps {
  readonly lake: Lake;
  readonly store: ServingStore;
  readonly options: MartOptions;
  readonly progress?: (p: BuildProgress) => void;
  /** Called for each changed day of a day model before its commit (e.g. `dailyAggregationsPublisher`). */
  readonly onRowsPublished?: MartRowsHook | undefined;
}

/**
 * One build of the marts (docs/marts.md): the stale (or asked) days of the day models, then the
 * warehouse models when one of their inputs changed; tests before every publish; the tests are
 * recorded as a data-quality run. Idempotent: a second build over unchanged inputs publishes nothing.
 */
export async function buildMarts(deps: MartBuildDeps, request: MartBuildRequest = {}): Promise<MartBuild> {
  const buildId = randomUUID();
  const startedAt = new Date().toISOString();
  const selected = selection(request.models ?? []);
  const ws = new MartWorkspace(deps.lake, buildId);
  const publish = {
    store: deps.store,
    ws,
    batchRows: deps.options.publishBatchRows,
    fsync: deps.options.fsync,
  };
  const progress = deps.progress ?? (() => undefined);
  try {
    const silverDays = await silverDayFingerprints(ws);
    const forced =
      request.fromDay === undefined && request.toDay === undefined
        ? null
        : new Set(daysBetween(request.fromDay ?? '0000-01-01', request.toDay ?? '9999-12-31'));
    const day = await buildDayModels({
      publish,
      buildId,
      models: DAY_MODELS.filter((m) => selected.has(m.name)),
      params: {
        sessionTimeoutMs: deps.options.sessionTimeoutMinutes * 60_000,
        topProducts: deps.options.topProducts,
      },
      silverDays,
      state: await readPartitionState(deps.store),
      forcedDays: forced,
      progress,
      onRowsPublished: deps.onRowsPublished,
    });
    const dayFailed = day.summaries.some((s) => s.status === 'failed' && WAREHOUSE_INPUTS.includes(s.model));
    const warehouseModels = new Set(WAREHOUSE_MODELS.filter((m) => selected.has(m.name)).map((m) => m.name));
    const warehouse = dayFailed
      ? { summaries: [...warehouseModels].map((m) => skippedSummary(m)), tests: [], computeMs: 0 }
      : await buildWarehouse({
          publish,
          buildId,
          models: warehouseModels,
          state: await readPartitionState(deps.store),
          silverDays: [...silverDays.keys()],
          importPageRows: deps.options.importPageRows ?? 20_000,
          forcedDays: forced,
          progress,
        });
    const results = [...day.tests, ...warehouse.tests];
    const tests = await recordModelTests(deps.store, buildId, startedAt, results);
    const models = [...day.summaries, ...warehouse.summaries];
    return {
      buildId,
      startedAt,
      finishedAt: new Date().toISOString(),
      status: models.some((m) => m.status === 'failed' || m.status === 'skipped') ? 'failed' : 'ok',
      models,
      warehouseComputeMs: warehouse.computeMs,
      tests,
      failures: results.filter((r) => r.failing > 0),
    };
  } finally {
    await ws.close();
  }
}

/** The asked models with their upstream; a warehouse model needs every warehouse input. */
function selection(names: readonly string[]): Set<ModelName> {
  const selected = withUpstream(names);
  if (WAREHOUSE_MODELS.some((m) => selected.has(m.name))) for (const m of WAREHOUSE_INPUTS) selected.add(m);
  return selected;
}

function skippedSummary(model: ModelName): ModelBuildSummary {
  return {
    model,
    status: 'skipped',
    partitionsBuilt: 0,
    partitionsPublished: 0,
    rowsWritten: 0,
    elapsedMs: 0,
  };
}
