/** Builders and probes shared by the serving-store conformance suite. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgliteStore } from '../../src/store/index.js';
import type { GoldBatch, GoldCounterRow, ServingStore, SqlExecutor } from '../../src/store/index.js';

export const TOPIC = 'ecom.events.raw.v1';
/** 2026-01-24T13:00:00Z, a window start; W1 is the next minute. */
export const W0 = Date.UTC(2026, 0, 24, 13, 0, 0);
export const W1 = W0 + 60_000;

type Required3 = Pick<GoldBatch, 'epochs' | 'fromOffsets' | 'toOffsets'>;

export function goldBatch(fields: Required3 & Partial<GoldBatch>): GoldBatch {
  return { topic: TOPIC, counters: [], dimCounters: [], products: [], orders: [], accounting: {}, ...fields };
}

export function counterRows(windowStartMs: number, deltas: Record<string, number>): GoldCounterRow[] {
  return Object.entries(deltas).map(([counter, delta]) => ({ windowStartMs, counter, delta }));
}

/** kpi_minute of one window as { metric: value }. */
export async function kpiMinute(db: SqlExecutor, windowStartMs: number): Promise<Record<string, number>> {
  const rows = await db.query<{ metric: string; value: number }>(
    'SELECT metric, value FROM serving.kpi_minute WHERE window_start = $1::timestamptz ORDER BY metric',
    [new Date(windowStartMs).toISOString()],
  );
  return Object.fromEntries(rows.map((r) => [r.metric, r.value]));
}

const STATE_TABLES = [
  'kpi_minute ORDER BY window_start, metric',
  'kpi_counts ORDER BY window_start, counter',
  'kpi_dim_counts ORDER BY window_start, dimension, dim_value, counter',
  'kpi_window ORDER BY window_start',
  'kpi_window_commits ORDER BY window_start, revision',
  'product_minute ORDER BY window_start, product_id',
  'product_10m ORDER BY bucket_start, product_id',
  'recent_orders ORDER BY partition, "offset"',
  'processor_positions ORDER BY topic, partition',
  'partition_accounting ORDER BY topic, partition',
  'quarantine_reasons ORDER BY topic, partition, reason',
];

/** Every row of every Gold-written table: two equal snapshots mean nothing changed. */
export async function snapshotState(db: SqlExecutor): Promise<Record<string, unknown[]>> {
  const state: Record<string, unknown[]> = {};
  for (const table of STATE_TABLES) state[table] = await db.query(`SELECT * FROM serving.${table}`);
  return state;
}

/** Empties every serving table (the schema stays migrated). */
export async function truncateAll(store: ServingStore): Promise<void> {
  await store.query(
    `TRUNCATE serving.kpi_minute, serving.kpi_counts, serving.kpi_dim_counts, serving.kpi_window,
       serving.kpi_window_commits,
       serving.processor_positions, serving.partition_accounting, serving.quarantine_reasons,
       serving.alerts, serving.recent_orders, serving.product_minute, serving.product_10m`,
  );
}

/** A fresh PGlite store in a temp folder; `dispose` closes it and deletes the folder. */
export async function tempPgliteStore(): Promise<{ store: ServingStore; dispose(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shopstream-pglite-'));
  const store = await openPgliteStore({ dataDir });
  return {
    store,
    dispose: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
