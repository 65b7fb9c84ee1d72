import { randomUUID } from 'node:crypto';
import { daysBetween } from '../batch/marts/mart-dates.js';
import { ShopError } from '../errors/index.js';
import type { ServingStore } from '../store/serving-store.js';
import type { AssetGraph } from './asset-graph.js';
import { enqueue } from './job-queue.js';

export interface Backfill {
  readonly backfillId: string;
  readonly asset: string;
  readonly fromDay: string;
  readonly toDay: string;
  readonly downstream: boolean;
  readonly assets: readonly string[];
  readonly status: 'running' | 'cancelled' | 'done';
}

/** The (asset, day) pairs of a backfill, in dependency order (upstream assets first, then by day). */
export function backfillPartitions(
  b: Pick<Backfill, 'assets' | 'fromDay' | 'toDay'>,
): { asset: string; partition: string }[] {
  const days = daysBetween(b.fromDay, b.toDay);
  return b.assets.flatMap((asset) => days.map((partition) => ({ asset, partition })));
}

/**
 * Records a backfill of `asset` (and, with `downstream`, every daily asset downstream of it) over
 * [fromDay, toDay] and queues its partitions. The executors run them in dependency order (a
 * partition waits while an upstream partition it reads is queued or running).
 */
export async function startBackfill(
  store: ServingStore,
  graph: AssetGraph,
  r: { asset: string; fromDay: string; toDay: string; downstream: boolean },
): Promise<Backfill> {
  const root = graph.require(r.asset);
  if (root.partitioning !== 'daily')
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `${r.asset} is not partitioned by day; use jobs run`);
  if (r.fromDay > r.toDay) throw new ShopError('SHOP_CLI_BAD_ARGUMENT', '--from is after --to');
  const assets = (r.downstream ? graph.withDownstream(r.asset) : [root])
    .filter((a) => a.partitioning === 'daily')
    .map((a) => a.key);
  const b: Backfill = { backfillId: randomUUID(), ...r, assets, status: 'running' };
  await store.query(
    `INSERT INTO serving.pipeline_backfills (backfill_id, asset, from_day, to_day, downstream, assets, status)
     VALUES ($1, $2, $3::date, $4::date, $5, $6::jsonb, 'running')`,
    [b.backfillId, b.asset, b.fromDay, b.toDay, b.downstream, JSON.stringify(assets)],
  );
  await queueMissing(store, b);
  return b;
}

/** Queues again every partition of the backfill that has not succeeded within it (resume). */
export async function resumeBackfill(store: ServingStore, backfillId: string): Promise<Backfill> {
  const b = await readBackfill(store, backfillId);
  await store.query(
    `UPDATE serving.pipeline_backfills SET status = 'running', finished_at = NULL WHERE backfill_id = $1`,
    [backfillId],
  );
  await queueMissing(store, b);
  return { ...b, status: 'running' };
}

async function queueMissing(store: ServingStore, b: Backfill): Promise<void> {
  const done = new Set(
    (
      await store.query<{ asset: string; partition_key: string }>(
        `SELECT DISTINCT asset, partition_key FROM serving.pipeline_execution_logs WHERE backfill_id = $1 AND status = 'succeeded'`,
        [b.backfillId],
      )
    ).map((r) => `${r.asset}/${r.partition_key}`),
  );
  for (const p of backfillPartitions(b))
    if (!done.has(`${p.asset}/${p.partition}`))
      await enqueue(store, { ...p, trigger: 'backfill', backfillId: b.backfillId });
}

/** Stops a backfill: its queued partitions are dropped (running ones finish); resume queues them again. */
export async function cancelBackfill(store: ServingStore, backfillId: string): Promise<number> {
  await readBackfill(store, backfillId);
  return store.transaction(async (tx) => {
    await tx.query(
      `UPDATE serving.pipeline_backfills SET status = 'cancelled', finished_at = now() WHERE backfill_id = $1`,
      [backfillId],
    );
    const rows = await tx.query('DELETE FROM serving.pipeline_queue WHERE backfill_id = $1 RETURNING asset', [
      backfillId,
    ]);
    return rows.length;
  });
}

export async function finishBackfill(store: ServingStore, backfillId: string): Promise<void> {
  await store.query(
    `UPDATE serving.pipeline_backfills SET status = 'done', finished_at = now() WHERE backfill_id = $1 AND status = 'running'`,
    [backfillId],
  );
}

export async function readBackfill(store: ServingStore, backfillId: string): Promise<Backfill> {
  const rows = await store.query<{
    backfill_id: string;
    asset: string;
    from_day: string;
    to_day: string;
    downstream: boolean;
    assets: string[];
    status: Backfill['status'];
  }>('SELECT * FROM serving.pipeline_backfills WHERE backfill_id = $1', [backfillId]);
  const r = rows[0];
  if (r === undefined)
    throw new ShopError('SHOP_JOBS_BACKFILL_NOT_FOUND', `no backfill ${backfillId}`, {
      details: { backfillId },
    });
  return {
    backfillId: r.backfill_id,
    asset: r.asset,
    fromDay: r.from_day,
    toDay: r.to_day,
    downstream: r.downstream,
    assets: r.assets,
    status: r.status,
  };
}
