/**
 * Two schedulers against one PostgreSQL (issue 16): both run `run --role scheduler`; only the
 * lease holder runs jobs (the data-quality suite every 400 ms here). It is killed with SIGKILL;
 * the standby must take over within the lease (plus one tick), and every attempt row must end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { openServingStore } from '../../src/store/index.js';
import { loadConfig } from '../../src/config/index.js';
import { spawnCli, tempDataDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/postgres.js';

const LEASE_MS = 2_000;
const TICK_MS = 100;

interface Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  stderr: string;
  readonly closed: Promise<void>;
}

function scheduler(dataDir: string, url: string): Proc {
  const child = spawnCli(['run', '--role', 'scheduler'], {
    dataDir,
    env: {
      SHOPSTREAM_STORE_URL: url,
      SHOPSTREAM_SCHEDULER_LEASE_MS: String(LEASE_MS),
      SHOPSTREAM_SCHEDULER_HEARTBEAT_MS: '300',
      SHOPSTREAM_SCHEDULER_TICK_MS: String(TICK_MS),
      SHOPSTREAM_SCHEDULER_SILVER_OBSERVE_INTERVAL_MS: '0',
      SHOPSTREAM_DQ_INTERVAL_MS: '400',
      SHOPSTREAM_LAKE_COMPACT_INTERVAL_MS: '0',
    },
  });
  const p: Proc = {
    child,
    pid: child.pid!,
    stderr: '',
    closed: new Promise((r) => child.once('close', () => r())),
  };
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (p.stderr += d));
  child.stdout!.resume();
  return p;
}

async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  limitMs: number,
): Promise<number> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - start;
}

test('two schedulers on one PostgreSQL: only the lease holder runs jobs; the standby takes over within the lease', async () => {
  const db = await createTestDatabase();
  const tmp = await tempDataDir('sched-failover');
  const config = loadConfig({ overrides: { dataDir: tmp.dir, store: { url: db.url } } });
  const store = await openServingStore({ ...config.store, dataDir: tmp.dir });
  const procs: Proc[] = [];
  try {
    const a = scheduler(tmp.dir, db.url);
    procs.push(a);
    await waitFor('A active', () => a.stderr.includes('"msg":"scheduler active"'), 60_000);
    const b = scheduler(tmp.dir, db.url);
    procs.push(b);
    await waitFor('B standby', () => b.stderr.includes('"msg":"scheduler standby"'), 60_000);
    const runsOf = async (pid: number) =>
      (
        await store.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM serving.pipeline_execution_logs WHERE executor_id LIKE $1`,
          [`%:${pid}:%`],
        )
      )[0]!.n;
    await waitFor('A runs the suite', async () => (await runsOf(a.pid)) >= 3, 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(await runsOf(b.pid), 0, 'the standby ran nothing');
    assert.ok(!b.stderr.includes('"msg":"scheduler active"'));

    a.child.kill('SIGKILL');
    await a.closed;
    const takeoverMs = await waitFor(
      'B active',
      () => b.stderr.includes('"msg":"scheduler active"'),
      LEASE_MS * 5,
    );
    console.log(`takeover after kill -9: ${takeoverMs} ms (lease ${LEASE_MS} ms, tick ${TICK_MS} ms)`);
    assert.ok(takeoverMs <= LEASE_MS + 3 * TICK_MS + 500, `took over after ${takeoverMs} ms`);
    await waitFor('B runs the suite', async () => (await runsOf(b.pid)) >= 2, 30_000);
    // A's attempt, if it was running when killed, is marked crashed once its lease passed.
    await waitFor(
      'no attempt of A left running',
      async () => {
        const r = await store.query(
          `SELECT 1 FROM serving.pipeline_execution_logs WHERE status = 'running' AND executor_id LIKE $1`,
          [`%:${a.pid}:%`],
        );
        return r.length === 0;
      },
      LEASE_MS * 5,
    );
    b.child.kill('SIGTERM');
    await b.closed;
    const running = await store.query(
      `SELECT 1 FROM serving.pipeline_execution_logs WHERE status = 'running'`,
    );
    assert.equal(running.length, 0);
    const lease = await store.query(`SELECT 1 FROM serving.pipeline_scheduler_lease`);
    assert.equal(lease.length, 0, 'B gave the lease up at SIGTERM');
  } finally {
    for (const p of procs)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.closed));
    await store.close();
    await db.drop();
    await tmp.cleanup();
  }
});
