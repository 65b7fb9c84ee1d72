/**
 * The operations endpoint of `run --role` processes (ops.enabled, the Helm chart's probes and
 * ServiceMonitor): each role started alone on the embedded log and a PostgreSQL server answers
 * /health, /ready (its dependencies) and /metrics (its own shopstream_* series plus Node's
 * process metrics, labelled with the role); the processor's counters move with its commits; with
 * the store gone, /ready turns 503 and names the store while /health stays 200.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCliOk, tempDataDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startProcessor, stopGracefully, waitFor, type ProcessorChild } from './helpers/distributed-run.js';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

function opsUrl(p: ProcessorChild, stdout: () => string): string | undefined {
  void p;
  return /ops endpoint \(health, ready, metrics\) on (http:\/\/\S+)/.exec(stdout())?.[1];
}

function withStdout(p: ProcessorChild): () => string {
  let out = '';
  p.child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  return () => out;
}

test(
  'processor, detector, scheduler, api and collector roles serve /health, /ready and /metrics',
  { timeout: 240_000 },
  async () => {
    const db = await createTestDatabase();
    const data = await tempDataDir('ops');
    cleanups.push(() => db.drop(), data.cleanup);
    const env = {
      SHOPSTREAM_STORE_URL: db.url,
      SHOPSTREAM_OPS_ENABLED: 'true',
      SHOPSTREAM_OPS_PORT: '0',
      SHOPSTREAM_API_PORT: '0',
      SHOPSTREAM_COLLECTOR_PORT: '0',
      SHOPSTREAM_API_READ_AUTH: 'open',
    };
    await runCliOk(['generate', '--count', '2000', '--seed', '5'], { dataDir: data.dir, env });
    const roles = ['processor', 'detector', 'scheduler', 'api', 'collector'];
    const children = roles.map((role) => {
      const p = startProcessor(['run', '--role', role], data.dir, env);
      return { role, p, stdout: withStdout(p) };
    });
    try {
      for (const { role, p, stdout } of children) {
        await waitFor(`the ${role} ops endpoint`, () => opsUrl(p, stdout) !== undefined, 90_000);
        const base = opsUrl(p, stdout)!;
        const health = await fetch(`${base}/health`);
        assert.equal(health.status, 200, role);
        assert.deepEqual(await health.json(), { status: 'ok', role });
        const ready = await fetch(`${base}/ready`);
        const body = (await ready.json()) as { status: string; checks: Record<string, string> };
        assert.equal(ready.status, 200, `${role} ready: ${JSON.stringify(body)}`);
        const expected =
          role === 'collector'
            ? ['log']
            : role === 'processor' || role === 'detector'
              ? ['log', 'store']
              : ['store'];
        assert.deepEqual(Object.keys(body.checks).sort(), expected, role);
        const metrics = await (await fetch(`${base}/metrics`)).text();
        assert.match(metrics, new RegExp(`process_resident_memory_bytes\\{role="${role}"\\} \\d+`), role);
      }
      const processor = children[0]!;
      const base = opsUrl(processor.p, processor.stdout)!;
      await waitFor('the processor to count its commits', async () => {
        const text = await (await fetch(`${base}/metrics`)).text();
        const m = /shopstream_processor_records_total\{role="processor"\} (\d+)/.exec(text);
        return m !== null && Number(m[1]) >= 2000;
      });
      const text = await (await fetch(`${base}/metrics`)).text();
      assert.match(text, /shopstream_partition_lag_records\{partition="0",role="processor"\} 0/);

      // The store goes away: readiness says so, liveness does not.
      await db.drop();
      const scheduler = children[2]!;
      const sbase = opsUrl(scheduler.p, scheduler.stdout)!;
      await waitFor(
        'the scheduler to report the store unready',
        async () => (await fetch(`${sbase}/ready`)).status === 503,
        30_000,
      );
      const down = (await (await fetch(`${sbase}/ready`)).json()) as { checks: Record<string, string> };
      assert.notEqual(down.checks['store'], 'ok');
      assert.equal((await fetch(`${sbase}/health`)).status, 200);
    } finally {
      for (const { p } of children) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await stopGracefully(...children.map((c) => c.p)).catch(() => undefined);
    }
  },
);
