/**
 * Helpers of the distributed e2e tests: processor processes, waiting for them to catch up with
 * the log, and the checks every run must pass (Gold = Silver recompute, no duplicate, accounting
 * invariant, Bronze exactly once).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { openLake, queryLake, recomputeKpiMinuteFromSilver } from '../../../src/lake/index.js';
import { RAW_TOPIC } from '../../../src/log/event-log.js';
import { openKafkaLog } from '../../../src/log/kafka/index.js';
import { openServingStore, queryKpis, readAccounting, readPositions } from '../../../src/store/index.js';
import { spawnCli } from '../../helpers/cli.js';

function storeOptions(url: string, dataDir: string) {
  return { url, dataDir, poolSize: 2, statementTimeoutMs: 30_000, connectTimeoutMs: 5_000 };
}

export interface ProcessorChild {
  readonly child: ChildProcess;
  readonly closed: Promise<number | null>;
  stderr(): string;
}

export function startProcessor(
  args: readonly string[],
  dataDir: string,
  env: Record<string, string>,
): ProcessorChild {
  const child = spawnCli(args, { dataDir, env });
  let stderr = '';
  child.stdout!.resume();
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, closed, stderr: () => stderr };
}

/** Partitions a processor logged as claimed, in order. */
export function claimedPartitions(p: ProcessorChild): number[] {
  return [...p.stderr().matchAll(/"partition":(\d+),[^\n]*"msg":"partition claimed"/g)].map((m) =>
    Number(m[1]),
  );
}

export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** End offsets of the raw topic, by partition. */
export async function rawEndOffsets(brokers: string): Promise<Map<number, number>> {
  const log = await openKafkaLog({ brokers: [brokers] });
  try {
    const info = await log.describeTopic(RAW_TOPIC);
    return new Map((info?.partitions ?? []).map((p) => [p.partition, p.nextOffset]));
  } finally {
    await log.close();
  }
}

/** Committed positions of record (sum of next offsets) and their owners. */
export async function committedPositions(
  storeUrl: string,
): Promise<{ committed: number; owners: Set<string>; byPartition: Map<number, number> }> {
  const store = await openServingStore(storeOptions(storeUrl, ''));
  try {
    const rows = await readPositions(store, RAW_TOPIC);
    return {
      committed: rows.reduce((s, r) => s + r.nextOffset, 0),
      owners: new Set(rows.map((r) => r.owner)),
      byPartition: new Map(rows.map((r) => [r.partition, r.nextOffset])),
    };
  } finally {
    await store.close();
  }
}

/**
 * Waits until the committed positions reach `ends`. On a timeout the error says where each
 * partition stands and ends with the last log lines of `processors`, so a stall can be diagnosed
 * from the CI log alone.
 */
export async function waitCaughtUp(
  storeUrl: string,
  ends: ReadonlyMap<number, number>,
  timeoutMs = 180_000,
  processors: readonly ProcessorChild[] = [],
): Promise<void> {
  try {
    await waitFor(
      'the processors to commit every record',
      async () => {
        const { byPartition } = await committedPositions(storeUrl);
        return [...ends].every(([p, end]) => byPartition.get(p) === end);
      },
      timeoutMs,
    );
  } catch (err) {
    const { byPartition, owners } = await committedPositions(storeUrl).catch(() => ({
      byPartition: new Map<number, number>(),
      owners: new Set<string>(),
    }));
    const where = [...ends].map(([p, end]) => `p${p} ${byPartition.get(p) ?? '-'}/${end}`).join(', ');
    // Heartbeat failures repeat every interval during an outage: counted, not listed.
    const tails = processors.map((p, i) => {
      const lines = p.stderr().trimEnd().split('\n');
      const beats = lines.filter((l) => l.includes('group heartbeat failed'));
      const rest = lines.filter((l) => !l.includes('group heartbeat failed')).slice(-40);
      return (
        `processor ${i} (exit ${p.child.exitCode ?? 'running'}, ${beats.length} failed heartbeats, ` +
        `last: ${beats.at(-1)?.slice(0, 40) ?? '-'}):\n${rest.join('\n')}`
      );
    });
    throw new Error(
      `${(err as Error).message}: committed ${where}; owners ${[...owners].join(', ') || '-'}\n${tails.join('\n')}`,
    );
  }
}

export async function stopGracefully(...processors: ProcessorChild[]): Promise<void> {
  for (const p of processors) if (p.child.exitCode === null) p.child.kill('SIGTERM');
  for (const p of processors) await p.closed;
}

/**
 * Asserts the run's invariants and returns its Gold as `window metric -> value` plus the Silver
 * row count: Bronze holds every log record once, Silver has no duplicate event_id, the accounting
 * invariant holds, and kpi_minute equals a from-scratch recompute over Silver.
 */
export async function verifyRun(
  dataDir: string,
  storeUrl: string,
  logRecords: number,
): Promise<{ gold: Map<string, number>; silverRows: number }> {
  const store = await openServingStore(storeOptions(storeUrl, dataDir));
  const lake = await openLake({ dir: join(dataDir, 'lake'), readOnly: true });
  try {
    const bronze = await queryLake(
      lake,
      `SELECT count(*) AS n, count(DISTINCT (partition, "offset")) AS d FROM bronze`,
    );
    assert.equal(Number(bronze[0]!['n']), logRecords, 'Bronze holds every log record');
    assert.equal(Number(bronze[0]!['d']), logRecords, 'Bronze holds every log record once');
    const silver = await queryLake(lake, `SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM silver`);
    const silverRows = Number(silver[0]!['n']);
    assert.equal(silverRows, Number(silver[0]!['d']), 'Silver has no duplicate event_id');
    const accounting = await readAccounting(store, RAW_TOPIC);
    const sum = (k: 'recordsRead' | 'silverRows' | 'quarantineRows' | 'duplicatesDropped') =>
      accounting.reduce((s, a) => s + a[k], 0);
    assert.equal(sum('recordsRead'), logRecords, 'every log record is counted once');
    assert.equal(
      sum('silverRows') + sum('quarantineRows') + sum('duplicatesDropped'),
      logRecords,
      'accounting invariant',
    );
    assert.equal(sum('silverRows'), silverRows, 'accounting agrees with Silver');
    assert.ok(sum('duplicatesDropped') > 0, 'the traffic had duplicates, and they were dropped');
    const served = await queryKpis(store, {
      fromMs: 0,
      toMs: Date.UTC(9999, 0, 1),
      grain: 'minute',
      limit: 10_000_000,
    });
    const recomputed = await recomputeKpiMinuteFromSilver(lake);
    const key = (w: string | Date, m: string) => `${new Date(w).toISOString()} ${m}`;
    const expected = new Map(recomputed.map((r) => [key(r.window_start, r.metric), r.value]));
    assert.equal(served.length, expected.size, 'same windows x metrics as the recompute');
    const gold = new Map<string, number>();
    for (const p of served) {
      const want = expected.get(key(p.windowStart, p.metric));
      assert.ok(
        want !== undefined && Math.abs(p.value - want) <= 1e-6 * Math.max(1, Math.abs(want)),
        `${p.windowStart} ${p.metric}: served ${p.value}, recomputed ${want}`,
      );
      gold.set(key(p.windowStart, p.metric), p.value);
    }
    return { gold, silverRows };
  } finally {
    await Promise.allSettled([lake.close(), store.close()]);
  }
}

/** Gold of two runs is the same, window by window and metric by metric. */
export function assertSameGold(
  actual: ReadonlyMap<string, number>,
  expected: ReadonlyMap<string, number>,
): void {
  assert.equal(actual.size, expected.size, 'same windows x metrics as the single-processor run');
  for (const [k, want] of expected) {
    const got = actual.get(k);
    assert.ok(
      got !== undefined && Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)),
      `${k}: ${got} vs single-processor ${want}`,
    );
  }
}
