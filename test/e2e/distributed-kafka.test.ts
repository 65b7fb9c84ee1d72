/**
 * Distributed mode end to end, on a real Kafka broker (a private one: test (c) restarts it) and a
 * real PostgreSQL server: simulator -> Kafka -> two processor processes (group membership in the
 * serving DB) -> PostgreSQL -> API. The 50k-event traffic holds invalid, duplicate, late and
 * out-of-order events. Every run must give Gold equal to a single-processor run over the same log
 * and to a from-scratch recompute over Silver, with Bronze exactly once, no duplicate in Silver
 * (duplicates share the user_id key, so a failover never separates them from their first copy),
 * and the accounting invariant. Runs: (a) two processors, (b) one of them killed with SIGKILL
 * mid-way, (c) the broker stopped and restarted mid-way.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCliOk, tempDataDir } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { startPrivateBroker, type PrivateBroker } from './helpers/distributed-broker.js';
import {
  assertSameGold,
  claimedPartitions,
  committedPositions,
  rawEndOffsets,
  startProcessor,
  stopGracefully,
  verifyRun,
  waitCaughtUp,
  waitFor,
  type ProcessorChild,
} from './helpers/distributed-run.js';

const EVENTS = 50_000;
let broker: PrivateBroker;
let env: Record<string, string>;
let totalRecords = 0;
let single: { gold: Map<string, number>; silverRows: number };
const cleanups: Array<() => Promise<void>> = [];

before(async () => {
  broker = await startPrivateBroker();
  env = {
    SHOPSTREAM_LOG_BROKERS: broker.bootstrap,
    SHOPSTREAM_LOG_PARTITIONS: '4',
    SHOPSTREAM_PROCESSOR_MAX_BATCH_RECORDS: '2000',
    SHOPSTREAM_PROCESSOR_HEARTBEAT_INTERVAL_MS: '500',
    SHOPSTREAM_PROCESSOR_MEMBER_LEASE_MS: '3000',
    SHOPSTREAM_API_READ_AUTH: 'open',
    SHOPSTREAM_API_PORT: '0',
  };
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await broker?.destroy();
});

/** A fresh PostgreSQL database and data dir (lake) for one run. */
async function freshRun(
  label: string,
): Promise<{ db: TestDatabase; dir: string; env: Record<string, string> }> {
  const db = await createTestDatabase();
  const data = await tempDataDir(`dist-${label}`);
  cleanups.push(() => db.drop(), data.cleanup);
  return { db, dir: data.dir, env: { ...env, SHOPSTREAM_STORE_URL: db.url } };
}

/** `process` and `run --role processor` on one run; `firstEnv` overrides settings of the first. */
function twoProcessors(
  dir: string,
  runEnv: Record<string, string>,
  firstEnv: Record<string, string> = {},
): [ProcessorChild, ProcessorChild] {
  return [
    startProcessor(['process'], dir, { ...runEnv, ...firstEnv }),
    startProcessor(['run', '--role', 'processor'], dir, runEnv),
  ];
}

test(
  '(a) simulator -> Kafka -> two processors -> PostgreSQL -> API: Gold = single processor = recompute',
  { timeout: 300_000 },
  async () => {
    const run = await freshRun('two');
    const processors = twoProcessors(run.dir, run.env);
    try {
      await runCliOk(
        [
          'generate',
          '--to',
          'kafka',
          '--count',
          String(EVENTS),
          '--seed',
          '11',
          '--invalid-pct',
          '2',
          '--duplicate-pct',
          '2',
        ],
        { dataDir: run.dir, env: run.env },
      );
      const ends = await rawEndOffsets(broker.bootstrap);
      totalRecords = [...ends.values()].reduce((s, n) => s + n, 0);
      assert.ok(totalRecords >= EVENTS);
      await waitCaughtUp(run.db.url, ends, undefined, processors);
      const owners = (await committedPositions(run.db.url)).owners;
      assert.equal(owners.size, 2, `two processors share the partitions (owners ${[...owners].join(', ')})`);
    } finally {
      await stopGracefully(...processors);
    }
    const reference = await freshRun('single');
    await runCliOk(['process', '--once'], { dataDir: reference.dir, env: reference.env });
    single = await verifyRun(reference.dir, reference.db.url, totalRecords);
    const group = await verifyRun(run.dir, run.db.url, totalRecords);
    assertSameGold(group.gold, single.gold);
    assert.equal(group.silverRows, single.silverRows);
    await assertApiServes(run.dir, run.env, group.gold);
  },
);

test(
  '(b) one processor killed with SIGKILL mid-way: the other takes its partitions over, Gold unchanged',
  { timeout: 300_000 },
  async () => {
    assert.ok(totalRecords > 0, 'runs after (a)');
    const run = await freshRun('kill');
    // The victim reads small batches, so it is still working on its partitions when it is killed
    // after its first commit (at full batch size two processors drain the 50k events in a second or
    // two, and the kill could land after the victim's last commit).
    const [victim, survivor] = twoProcessors(run.dir, run.env, {
      SHOPSTREAM_PROCESSOR_MAX_BATCH_RECORDS: '100',
    });
    try {
      await waitFor(
        'both processors to own partitions',
        () => claimedPartitions(victim).length > 0 && claimedPartitions(survivor).length > 0,
      );
      await waitFor('the victim to commit', () => victim.stderr().includes('"progress"'));
      victim.child.kill('SIGKILL');
      await victim.closed;
      const atKill = await committedPositions(run.db.url);
      assert.ok(
        atKill.committed < totalRecords,
        `killed mid-way (${atKill.committed} of ${totalRecords} committed)`,
      );
      // The survivor claims the victim's partitions once their lease expires, which can be after the
      // log is caught up: the victim may have committed its partitions' tail before the kill.
      await waitFor(
        'the survivor to claim every partition',
        () => new Set(claimedPartitions(survivor)).size === 4,
        60_000,
      );
      await waitCaughtUp(run.db.url, await rawEndOffsets(broker.bootstrap), undefined, [victim, survivor]);
      assert.deepEqual(
        [...new Set(claimedPartitions(survivor))].sort(),
        [0, 1, 2, 3],
        'the survivor took every partition over',
      );
      assert.equal(survivor.child.exitCode, null, 'the survivor still runs');
    } finally {
      await stopGracefully(victim, survivor);
    }
    const group = await verifyRun(run.dir, run.db.url, totalRecords);
    assertSameGold(group.gold, single.gold);
    assert.equal(group.silverRows, single.silverRows, 'the same events survive dedupe across the failover');
  },
);

test(
  '(c) the broker restarted mid-way: processors retry and finish, Gold unchanged',
  { timeout: 300_000 },
  async () => {
    assert.ok(totalRecords > 0, 'runs after (a)');
    const run = await freshRun('restart');
    const processors = twoProcessors(run.dir, run.env);
    try {
      // Stop the broker at the first commit: since the lake left the commit path, two processors
      // drain the whole topic before both have logged progress.
      await waitFor('a processor to commit', () => processors.some((p) => p.stderr().includes('"progress"')));
      await broker.stop();
      const atStop = await committedPositions(run.db.url);
      assert.ok(
        atStop.committed < totalRecords,
        `stopped mid-way (${atStop.committed} of ${totalRecords} committed)`,
      );
      await new Promise((r) => setTimeout(r, 2_000));
      await broker.start();
      await waitCaughtUp(run.db.url, await rawEndOffsets(broker.bootstrap), undefined, processors);
      for (const p of processors) assert.equal(p.child.exitCode, null, 'both processors survived the outage');
      assert.ok(
        processors.some((p) => p.stderr().includes('SHOP_LOG_')),
        'the outage surfaced as coded log errors that were retried',
      );
    } finally {
      await stopGracefully(...processors);
    }
    const group = await verifyRun(run.dir, run.db.url, totalRecords);
    assertSameGold(group.gold, single.gold);
  },
);

/** `run --role api` on the run's database serves the same events_total as Gold. */
async function assertApiServes(
  dir: string,
  runEnv: Record<string, string>,
  gold: ReadonlyMap<string, number>,
): Promise<void> {
  const api = startProcessor(['run', '--role', 'api'], dir, runEnv);
  let stdout = '';
  api.child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  try {
    await waitFor('the API to listen', () => /listening on (http:\/\/\S+)/.test(stdout), 60_000);
    const base = /listening on (http:\/\/\S+)/.exec(stdout)![1]!;
    const totals = [...gold].filter(([k]) => k.endsWith(' events_total'));
    const windows = totals.map(([k]) => Date.parse(k.slice(0, 24))).sort((a, b) => a - b);
    const from = new Date(windows[0]!).toISOString();
    const to = new Date(windows[windows.length - 1]! + 60_000).toISOString();
    const res = await fetch(`${base}/kpis?metric=events_total&from=${from}&to=${to}&limit=10000`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { points: Array<{ ts: string; value: number }> };
    const served = body.points.reduce((s, p) => s + p.value, 0);
    assert.equal(
      served,
      totals.reduce((s, [, v]) => s + v, 0),
      'the API serves the committed Gold',
    );
  } finally {
    await stopGracefully(api);
  }
}
