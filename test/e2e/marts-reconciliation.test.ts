/**
 * Reconciliation of the batch layer with Gold over simulated traffic (default fault mix: invalid,
 * duplicated and late events), through the CLI as a user runs it: generate -> process --once ->
 * marts build. Per day: daily_aggregations summed over categories equal Gold's counters for every
 * event type exactly, their revenue equals Gold's to the cent (marts are exact decimals, Gold sums
 * float8), fact_order_lines by line date equal Gold's revenue, and fact_orders by order date equal
 * it once the lines of orders that straddle midnight are moved to their order's day.
 * docs/benchmarks.md has the same check at 1M events (bench --scenario marts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openPgliteStore } from '../../src/store/index.js';
import type { ServingStore } from '../../src/store/index.js';
import { jsonLines, runCli, runCliOk, tempDataDir } from '../helpers/cli.js';

const EVENTS = 60_000;
const cents = (x: unknown) => Math.round(Number(x) * 100);

describe('marts reconcile with Gold', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let store: ServingStore;

  before(async () => {
    tmp = await tempDataDir('marts-recon');
    const opts = { dataDir: tmp.dir };
    await runCliOk(
      [
        'generate',
        '--count',
        String(EVENTS),
        '--mode',
        'batch',
        '--rate',
        '0.6',
        '--start-time',
        '2026-01-05T22:00:00Z',
        '--to',
        'log',
      ],
      opts,
    );
    await runCliOk(['process', '--once'], opts);
    const build = await runCli(['marts', 'build', '--json'], opts);
    assert.equal(build.code, 0, build.stderr + build.stdout);
    assert.equal((JSON.parse(build.stdout) as { status: string }).status, 'ok');
    store = await openPgliteStore({ dataDir: join(tmp.dir, 'serving') });
  });
  after(async () => {
    await store?.close();
    await tmp.cleanup();
  });

  it('daily_aggregations equal Gold per day and event type, revenue to the cent', async () => {
    const gold = await store.query<{ day: string; counter: string; value: number }>(
      `SELECT (window_start AT TIME ZONE 'UTC')::date::text AS day, counter, sum(value)::float8 AS value
       FROM serving.kpi_counts WHERE counter LIKE 'events\\_%' OR counter = 'revenue' GROUP BY 1, 2`,
    );
    const marts = await store.query<{ day: string; counter: string; value: number }>(
      `SELECT date::text AS day, 'events_' || event_type AS counter, sum(total_events)::float8 AS value
       FROM mart.daily_aggregations GROUP BY 1, 2
       UNION ALL SELECT date::text, 'events_total', sum(total_events)::float8 FROM mart.daily_aggregations GROUP BY 1
       UNION ALL SELECT date::text, 'revenue', sum(total_revenue)::float8 FROM mart.daily_aggregations GROUP BY 1`,
    );
    const asMap = (rows: typeof gold) =>
      new Map(
        rows
          .filter((r) => r.value !== 0)
          .map((r) => [`${r.day} ${r.counter}`, r.counter === 'revenue' ? cents(r.value) : r.value]),
      );
    const g = asMap(gold);
    const m = asMap(marts);
    assert.ok(
      new Set([...g.keys()].map((k) => k.slice(0, 10))).size >= 3,
      'the traffic spans at least three days',
    );
    assert.ok((g.get([...g.keys()].find((k) => k.endsWith('events_purchase'))!) as number) > 10);
    assert.deepEqual(new Map([...m].sort()), new Map([...g].sort()));
  });

  it('fact_order_lines by line date equal Gold revenue; fact_orders by order date once straddlers move', async () => {
    const gold = new Map(
      (
        await store.query<{ day: string; v: number }>(
          `SELECT (window_start AT TIME ZONE 'UTC')::date::text AS day, sum(value)::float8 AS v
           FROM serving.kpi_counts WHERE counter = 'revenue' GROUP BY 1`,
        )
      ).map((r) => [r.day, cents(r.v)]),
    );
    const byLine = await store.query<{ day: string; v: number }>(
      `SELECT line_date::text AS day, sum(gross_revenue)::float8 AS v FROM mart.fact_order_lines GROUP BY 1`,
    );
    for (const r of byLine) assert.equal(cents(r.v), gold.get(r.day), `lines of ${r.day}`);
    const orders = await store.query<{ day: string; v: number; moved_in: number; moved_out: number }>(
      `WITH o AS (SELECT order_date::text AS day, sum(gross_revenue) AS v FROM mart.fact_orders GROUP BY 1),
         l AS (SELECT order_date::text AS od, line_date::text AS ld, gross_revenue FROM mart.fact_order_lines WHERE order_date <> line_date)
       SELECT o.day, o.v::float8 AS v,
         coalesce((SELECT sum(gross_revenue) FROM l WHERE l.od = o.day), 0)::float8 AS moved_in,
         coalesce((SELECT sum(gross_revenue) FROM l WHERE l.ld = o.day), 0)::float8 AS moved_out
       FROM o`,
    );
    const straddlers = orders.filter((r) => r.moved_in !== 0).length;
    console.log(`# ${straddlers} order day(s) with lines on another day`);
    for (const r of orders)
      assert.equal(
        cents(r.v),
        (gold.get(r.day) ?? 0) + cents(r.moved_in) - cents(r.moved_out),
        `orders of ${r.day}`,
      );
  });

  it('marts list shows every model with rows, and a second build publishes nothing', async () => {
    await store.close();
    const list = jsonLines<{ model: string; rows: number; lastBuiltAt: string | null }>(
      await runCliOk(['marts', 'list', '--json'], { dataDir: tmp.dir }),
    );
    for (const m of list.filter((x) => !['dim_store', 'stg_refund_lines'].includes(x.model)))
      assert.ok(m.rows > 0 && m.lastBuiltAt !== null, `${m.model}: ${JSON.stringify(m)}`);
    const again = JSON.parse(await runCliOk(['marts', 'build', '--json'], { dataDir: tmp.dir })) as {
      models: Array<{ model: string; partitionsPublished: number }>;
    };
    for (const m of again.models) assert.equal(m.partitionsPublished, 0, m.model);
    store = await openPgliteStore({ dataDir: join(tmp.dir, 'serving') });
  });
});
