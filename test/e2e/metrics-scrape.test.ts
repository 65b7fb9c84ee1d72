/**
 * A scrape of /metrics during a run of `shopstream start` shows non-zero record counters for every
 * stage, and they match the accounting the pipeline-status route (what `shopstream status` prints)
 * reports from the serving DB at the same moment once the log is drained; Node's default process and
 * heap series are served too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCliOk, startCli, tempDataDir } from '../helpers/cli.js';

function counter(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? Number.NaN : Number(line.split(' ').pop());
}

test(
  '/metrics during a run: every stage counts records, matching the status accounting',
  { timeout: 300_000 },
  async () => {
    const { dir, cleanup } = await tempDataDir('metrics');
    const env = { SHOPSTREAM_API_PORT: '0', SHOPSTREAM_SIMULATOR_BACKFILL_MINUTES: '0' };
    try {
      await runCliOk(
        [
          'generate',
          '--count',
          '20000',
          '--invalid-pct',
          '2',
          '--duplicate-pct',
          '1',
          '--late-pct',
          '1',
          '--late-max-ms',
          '7200000',
          '--to',
          'log',
        ],
        { dataDir: dir },
      );
      const started = await startCli(['--no-simulator'], { dataDir: dir, env });
      const { base } = started;
      try {
        let status: { accounting: { totals: Record<string, number> }; totalLag: number | null } | undefined;
        for (let i = 0; i < 300; i++) {
          status = (await (await fetch(`${base}/api/v1/pipeline/status`)).json()) as typeof status;
          if (status?.totalLag === 0 && (status.accounting.totals['recordsRead'] ?? 0) > 0) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        const metrics = await (await fetch(`${base}/metrics`)).text();
        const totals = status!.accounting.totals;
        const stages: Array<[string, string]> = [
          ['read', 'recordsRead'],
          ['bronze', 'bronzeRows'],
          ['silver', 'silverRows'],
          ['quarantine', 'quarantineRows'],
          ['duplicates', 'duplicatesDropped'],
          ['late', 'lateQuarantined'],
        ];
        for (const [stage, key] of stages) {
          const scraped = counter(metrics, 'shopstream_stage_records_total', `stage="${stage}"`);
          assert.ok(scraped > 0, `${stage} counter is non-zero (${scraped})`);
          assert.equal(scraped, totals[key], `${stage}: /metrics ${scraped} vs status ${totals[key]}`);
        }
        assert.equal(totals['recordsRead'], 20_000);
        // Node's default series, as docs/observability.md promises for start.
        for (const name of [
          'process_resident_memory_bytes',
          'nodejs_heap_size_used_bytes',
          'nodejs_external_memory_bytes',
        ])
          assert.ok(
            Number(
              metrics
                .split('\n')
                .find((l) => l.startsWith(`${name} `))
                ?.split(' ')
                .pop(),
            ) > 0,
            `${name} is served`,
          );
        // The PGlite worker's own memory: its WebAssembly memory (PostgreSQL's shared buffers
        // and more) is in its external memory, tens of MB at least.
        const worker = (kind: string): number =>
          counter(metrics, 'shopstream_store_worker_memory_bytes', `kind="${kind}"`);
        assert.ok(worker('heap_used') > 0 && worker('heap_used') <= worker('heap_total'), 'worker heap');
        assert.ok(worker('external') > 32 * 2 ** 20, `worker external ${worker('external')} B`);
        // DuckDB's buffer managers, per instance and tag: registered, and only the two instances.
        assert.match(metrics, /^# TYPE shopstream_lake_duckdb_memory_bytes gauge$/m);
        for (const line of metrics
          .split('\n')
          .filter((l) => l.startsWith('shopstream_lake_duckdb_memory_bytes{')))
          assert.match(
            line,
            /^shopstream_lake_duckdb_memory_bytes\{instance="(writer|api)",tag="[A-Z_]+",medium="(memory|disk)"\} \d+$/,
          );
        const dedupeIds = counter(metrics, 'shopstream_processor_dedupe_ids', 'tier="hot"');
        assert.ok(dedupeIds > 0, `dedupe ids in memory: ${dedupeIds}`);
      } finally {
        await started.stop();
      }
    } finally {
      await cleanup();
    }
  },
);
