/**
 * A scenario computed by hand: duplicates, minute boundaries, every quarantine reason of the
 * contract fixtures, late events within and beyond the watermark, and an idle stream that still
 * finalizes its last window. Imported with `shopstream import`, processed with `process --once`
 * (and once continuously for the idle case), checked through `kpis`, `status` and `lake sql`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, jsonLines, runCliOk, spawnCli, tempDataDir } from '../helpers/cli.js';

const ONE_PARTITION = { SHOPSTREAM_LOG_PARTITIONS: '1' };
let dataDir = '';
let cleanup: () => Promise<void> = async () => undefined;

type Fields = Record<string, unknown>;
function ev(id: string, type: string, time: string, extra: Fields = {}): string {
  return JSON.stringify({
    event_id: id,
    event_version: 1,
    event_type: type,
    event_time: time,
    ingest_time: time,
    user_id: 'user_1',
    session_id: 's1',
    product_id: null,
    quantity: null,
    price: null,
    currency: null,
    order_id: null,
    source: 'test',
    ...extra,
  });
}
const D = '2026-03-02T';

/** Invalid lines of the contract fixtures (every reason code) that fit on one NDJSON line. */
function invalidFixtureLines(): Array<{ line: string; reasons: string[] }> {
  const path = join(REPO_ROOT, 'test/fixtures/contract/reason-codes.jsonl');
  return jsonLines<{ raw?: string; event?: unknown; fill?: unknown; expected_reasons: string[] }>(
    readFileSync(path, 'utf8'),
  )
    .filter((c) => c.expected_reasons.length > 0 && c.fill === undefined)
    .map((c) => ({ line: c.raw ?? JSON.stringify(c.event), reasons: c.expected_reasons }))
    .filter((c) => c.line.trim() !== '' && !c.line.includes('\n') && !c.line.includes('\r'));
}

const invalid = invalidFixtureLines();
const lines = [
  ev('e1', 'click', `${D}10:00:00.000Z`, { product_id: 'p1' }),
  ev('e2', 'click', `${D}10:00:59.999Z`, { product_id: 'p2' }),
  ev('e3', 'add_to_cart', `${D}10:00:30.000Z`, { product_id: 'p1', quantity: 2, price: 10, currency: 'EUR' }),
  ev('e1', 'click', `${D}10:00:00.000Z`, { product_id: 'p1' }), // duplicate of e1: dropped
  ev('e4', 'click', `${D}10:01:00.000Z`, { product_id: 'p3' }), // :00.000 opens the next minute
  ev('e6', 'checkout', `${D}10:01:05.000Z`),
  ev('e5', 'purchase', `${D}10:01:10.000Z`, {
    product_id: 'p1',
    quantity: 3,
    price: 5.5,
    currency: 'EUR',
    order_id: 'o1',
  }),
  ev('e7', 'purchase', `${D}10:01:20.000Z`, {
    product_id: 'p2',
    quantity: 1,
    price: 20,
    currency: 'EUR',
    order_id: 'o2',
  }),
  ...invalid.map((c) => c.line),
  ev('e8', 'click', `${D}12:00:00.000Z`, { product_id: 'p1' }), // stream time 12:00 -> horizon 11:00
  ev('e9', 'click', `${D}11:30:00.000Z`, { product_id: 'p1' }), // late, within the watermark
  ev('e10', 'click', `${D}10:30:00.000Z`, { product_id: 'p1' }), // late beyond the watermark
  ev('e3', 'add_to_cart', `${D}10:00:30.000Z`, { product_id: 'p1', quantity: 2, price: 10, currency: 'EUR' }), // beyond too
  ev('e8', 'click', `${D}12:00:00.000Z`, { product_id: 'p1' }), // duplicate of e8: dropped
];

before(async () => {
  ({ dir: dataDir, cleanup } = await tempDataDir('scenario'));
  const file = join(dataDir, 'scenario.ndjson');
  writeFileSync(file, lines.join('\n') + '\n');
  await runCliOk(['import', file], { dataDir, env: ONE_PARTITION });
  await runCliOk(['process', '--once'], { dataDir, env: ONE_PARTITION });
});
after(() => cleanup());

async function kpis(grain: string): Promise<Map<string, number>> {
  const out = await runCliOk(['kpis', '--json', '--grain', grain], { dataDir });
  return new Map(
    jsonLines<{ window_start: string; metric: string; value: number }>(out).map((r) => [
      `${r.window_start} ${r.metric}`,
      r.value,
    ]),
  );
}

function expectWindow(rows: Map<string, number>, start: string, expected: Record<string, number>): void {
  for (const [metric, value] of Object.entries(expected)) {
    const got = rows.get(`${start} ${metric}`);
    assert.ok(
      got !== undefined && Math.abs(got - value) < 1e-9,
      `${start} ${metric}: expected ${value}, got ${got}`,
    );
  }
}

test('minute KPIs match the hand computation (boundaries, duplicates, late within the watermark)', async () => {
  const rows = await kpis('minute');
  // 10:00 -> e1, e2 (…:59.999), e3: 2 clicks, 1 cart; the duplicate e1 is not counted.
  expectWindow(rows, `${D}10:00:00.000Z`, {
    events_total: 3,
    events_click: 2,
    events_add_to_cart: 1,
    events_checkout: 0,
    events_purchase: 0,
    revenue: 0,
    aov: 0,
    add_to_cart_rate: 0.5,
    checkout_rate: 0,
    purchase_conversion: 0,
  });
  // 10:01 -> e4 (:00.000), e6, e5 (3 x 5.5 = 16.5), e7 (1 x 20): revenue 36.5, aov 18.25.
  expectWindow(rows, `${D}10:01:00.000Z`, {
    events_total: 4,
    events_click: 1,
    events_add_to_cart: 0,
    events_checkout: 1,
    events_purchase: 2,
    revenue: 36.5,
    aov: 18.25,
    add_to_cart_rate: 0,
    checkout_rate: 0,
    purchase_conversion: 2,
  });
  expectWindow(rows, `${D}11:30:00.000Z`, { events_total: 1, events_click: 1 }); // e9, late but within
  expectWindow(rows, `${D}12:00:00.000Z`, { events_total: 1, events_click: 1 }); // e8 once
  assert.equal(rows.get(`${D}10:30:00.000Z events_total`), undefined, 'e10 is beyond the watermark');
  const windows = new Set([...rows.keys()].map((k) => k.split(' ')[0]));
  assert.equal(windows.size, 4);
});

test('hour KPIs re-derive rates from summed counts, never by averaging minute rates', async () => {
  const rows = await kpis('hour');
  // 10:00-11:00: 3 clicks, 1 cart, 1 checkout, 2 purchases, revenue 36.5.
  // add_to_cart_rate = 1/3 (the mean of the minute rates would be (0.5 + 0) / 2 = 0.25).
  expectWindow(rows, `${D}10:00:00.000Z`, {
    events_total: 7,
    events_click: 3,
    events_add_to_cart: 1,
    events_checkout: 1,
    events_purchase: 2,
    revenue: 36.5,
    aov: 18.25,
    add_to_cart_rate: 1 / 3,
    checkout_rate: 1,
    purchase_conversion: 2 / 3,
  });
});

test('every fixture reason lands in quarantine with its ordered reasons; late ones say late_beyond_watermark', async () => {
  const out = await runCliOk(['lake', 'sql', 'SELECT "offset", reasons FROM quarantine ORDER BY "offset"'], {
    dataDir,
  });
  const rows = jsonLines<{ offset: number; reasons: string }>(out);
  const expected = [
    ...invalid.map((c) => c.reasons.join(',')),
    'late_beyond_watermark',
    'late_beyond_watermark',
  ];
  assert.deepEqual(
    rows.map((r) => r.reasons),
    expected,
  );
  const silver = jsonLines<{ event_id: string }>(
    await runCliOk(['lake', 'sql', 'SELECT event_id FROM silver ORDER BY "offset"'], { dataDir }),
  );
  assert.deepEqual(
    silver.map((r) => r.event_id),
    ['e1', 'e2', 'e3', 'e4', 'e6', 'e5', 'e7', 'e8', 'e9'],
  );
});

test('accounting: read = bronze = silver + quarantine + duplicates', async () => {
  const status = JSON.parse(await runCliOk(['status', '--json'], { dataDir })) as {
    totals: Record<string, number>;
    invariantHolds: boolean;
    windows: { open: number; final: number };
  };
  assert.equal(status.totals['recordsRead'], lines.length);
  assert.equal(status.totals['bronzeRows'], lines.length);
  assert.equal(status.totals['silverRows'], 9);
  assert.equal(status.totals['duplicatesDropped'], 2);
  assert.equal(status.totals['lateQuarantined'], 2);
  assert.equal(status.totals['quarantineRows'], invalid.length + 2);
  assert.equal(status.invariantHolds, true);
  assert.deepEqual(
    status.windows,
    { open: 0, final: 4, newestFinal: `${D}12:00:00.000Z` },
    '--once finalizes every window',
  );
  const bronze = jsonLines<{ n: number }>(
    await runCliOk(['lake', 'sql', 'SELECT count(*) AS n FROM bronze'], { dataDir }),
  );
  assert.equal(bronze[0]!.n, lines.length);
});

test('an idle stream still finalizes its last window (by the wall clock)', async () => {
  // The embedded serving DB admits one process, so the processor runs continuously, stays idle for
  // a while, is stopped, and only then is the status read. A continuous run never finalizes on
  // shutdown (only --once does), so a final window proves the idle, wall-clock finalization.
  const { dir, cleanup: done } = await tempDataDir('idle');
  try {
    const file = join(dir, 'one.ndjson');
    const recent = new Date(Date.now() - 5 * 60_000).toISOString();
    writeFileSync(file, ev('only', 'click', recent, { product_id: 'p1' }) + '\n');
    await runCliOk(['import', file], { dataDir: dir });
    const child = spawnCli(['process'], {
      dataDir: dir,
      env: { SHOPSTREAM_PROCESSOR_IDLE_FINALIZE_MS: '300' },
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    for (let i = 0; i < 120 && !stderr.includes('windows finalized by the wall clock'); i++) {
      await new Promise((r) => setTimeout(r, 250));
    }
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('close', r));
    assert.equal(code, 0, stderr);
    const status = JSON.parse(await runCliOk(['status', '--json'], { dataDir: dir })) as {
      windows: { open: number; final: number };
      totals: Record<string, number>;
    };
    assert.equal(status.totals['silverRows'], 1);
    assert.equal(status.windows.open, 0);
    assert.equal(status.windows.final, 1, 'the only window was finalized while the stream stayed idle');
  } finally {
    await done();
  }
});

test('replay rebuilds the same Silver, quarantine, Gold and accounting from Bronze', async () => {
  const before = await kpis('minute');
  const silverBefore = await runCliOk(
    ['lake', 'sql', 'SELECT event_id, "offset" FROM silver ORDER BY "offset"'],
    { dataDir },
  );
  const quarantineBefore = await runCliOk(
    ['lake', 'sql', 'SELECT "offset", reasons FROM quarantine ORDER BY "offset"'],
    { dataDir },
  );
  await runCliOk(['replay'], { dataDir, env: ONE_PARTITION });
  assert.deepEqual(await kpis('minute'), before);
  assert.equal(
    await runCliOk(['lake', 'sql', 'SELECT event_id, "offset" FROM silver ORDER BY "offset"'], { dataDir }),
    silverBefore,
  );
  assert.equal(
    await runCliOk(['lake', 'sql', 'SELECT "offset", reasons FROM quarantine ORDER BY "offset"'], {
      dataDir,
    }),
    quarantineBefore,
  );
  const status = JSON.parse(await runCliOk(['status', '--json'], { dataDir })) as {
    totals: Record<string, number>;
    invariantHolds: boolean;
  };
  assert.equal(status.totals['recordsRead'], lines.length);
  assert.equal(status.invariantHolds, true);
  const bronze = jsonLines<{ n: number }>(
    await runCliOk(['lake', 'sql', 'SELECT count(*) AS n FROM bronze'], { dataDir }),
  );
  assert.equal(bronze[0]!.n, lines.length, 'Bronze is untouched by a replay');
});
