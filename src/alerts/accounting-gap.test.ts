import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { openPgliteStore } from '../store/pglite/pglite-store.js';
import type { ServingStore } from '../store/serving-store.js';
import { alertOptionsFromConfig } from './alert-options.js';
import { DetectorLoop } from './detector-loop.js';
import type { AccountingCounts as PartitionAccounting } from '../store/partition-accounting.js';
import { detectAccountingGap, type GapsSeen, type PipelineSnapshot } from './pipeline-health-rules.js';

const T0 = Date.UTC(2026, 11, 7, 9, 0);
const MIN = 60_000;
const TOPIC = 'ecom.events.raw.v1';
const closed: PartitionAccounting = {
  recordsRead: 1000,
  bronzeRows: 1000,
  silverRows: 950,
  quarantineRows: 40,
  duplicatesDropped: 10,
};
const snapshot = (atMs: number, accounting: Array<PartitionAccounting | null>): PipelineSnapshot => ({
  atMs,
  maxEventTimeMs: atMs,
  silverRows: 0,
  quarantineRows: 0,
  partitions: accounting.map((a, partition) => ({
    partition,
    nextOffset: 1000,
    epoch: 1,
    lastCommitMs: atMs,
    lag: 0,
    accounting: a,
  })),
});

describe('accounting_gap rule', () => {
  it('is ok while read = Bronze = Silver + quarantined + duplicates, and skips partitions without a row', () => {
    const out = detectAccountingGap(snapshot(T0, [closed, null]), new Map());
    assert.deepEqual(out, [{ kind: 'ok', rule: 'accounting_gap', metric: 'partition_0', windowStartMs: T0 }]);
  });

  it('fires a critical per partition whose counts do not close, naming both identities', () => {
    const out = detectAccountingGap(
      snapshot(T0, [closed, { ...closed, bronzeRows: 998, silverRows: 947 }]),
      new Map(),
    );
    const fired = out.find((o) => o.kind === 'fire');
    assert.ok(fired?.kind === 'fire');
    assert.equal(fired.alert.metric, 'partition_1');
    assert.equal(fired.alert.severity, 'critical');
    assert.equal(fired.alert.value, 2 + 1);
    assert.match(fired.alert.message, /records read 1000 != Bronze rows 998/);
    assert.match(fired.alert.message, /Bronze rows 998 != Silver 947 \+ quarantined 40 \+ duplicates 10/);
  });

  it('keeps one window (one alert id) for one gap across passes, a new one for a different gap', () => {
    const gapSince: GapsSeen = new Map();
    const gap = { ...closed, silverRows: 949 };
    const windowOf = (atMs: number, a: PartitionAccounting) => {
      const [o] = detectAccountingGap(snapshot(atMs, [a]), gapSince);
      assert.ok(o?.kind === 'fire');
      return o.alert.windowStartMs;
    };
    assert.equal(windowOf(T0 + 5_000, gap), T0);
    assert.equal(windowOf(T0 + 7 * MIN, gap), T0);
    assert.equal(windowOf(T0 + 9 * MIN, { ...gap, silverRows: 900 }), T0 + 9 * MIN);
    // Closed again: forgotten, so a later gap is a new finding.
    assert.equal(detectAccountingGap(snapshot(T0 + 10 * MIN, [closed]), gapSince)[0]?.kind, 'ok');
    assert.equal(windowOf(T0 + 12 * MIN, gap), T0 + 12 * MIN);
  });
});

describe('accounting_gap through the detector over a PGlite store', () => {
  let dir: string;
  let store: ServingStore;
  let clock = T0;
  let loop: DetectorLoop;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shopstream-accounting-gap-'));
    store = await openPgliteStore({ dataDir: dir });
    await store.migrate();
    const config = loadConfig({ overrides: { alerts: { noDataMinutes: 0 } } });
    loop = new DetectorLoop({
      store,
      options: alertOptionsFromConfig(config),
      topic: TOPIC,
      nowMs: () => clock,
    });
    // What the processor's commits leave for two partitions: positions and closed accounting.
    for (const partition of [0, 1]) {
      await store.query(
        `INSERT INTO serving.processor_positions (topic, partition, next_offset, epoch, owner, committed_at, max_event_time)
         VALUES ($1, $2, 1000, 1, 'test', $3, $3)`,
        [TOPIC, partition, new Date(T0)],
      );
      await store.query(
        `INSERT INTO serving.partition_accounting (topic, partition, records_read, bronze_rows, silver_rows, quarantine_rows, duplicates_dropped)
         VALUES ($1, $2, 1000, 1000, 950, 40, 10)`,
        [TOPIC, partition],
      );
    }
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const gapAlerts = () =>
    store.query<{ id: string; severity: string; status: string }>(
      `SELECT id, severity, status FROM serving.alerts WHERE rule = 'accounting_gap' ORDER BY id`,
    );

  it('raises nothing while the accounting closes', async () => {
    await loop.runOnce();
    assert.deepEqual(await gapAlerts(), []);
  });

  it('a test-only corruption of one partition raises exactly one critical, once', async () => {
    await store.query(
      `UPDATE serving.partition_accounting SET silver_rows = silver_rows - 3 WHERE topic = $1 AND partition = 1`,
      [TOPIC],
    );
    clock = T0 + 2 * MIN;
    const first = await loop.runOnce();
    clock = T0 + 4 * MIN;
    const second = await loop.runOnce();
    const id = `accounting_gap:partition_1:${new Date(T0 + 2 * MIN).toISOString()}`;
    assert.deepEqual(first.written.raised, [id]);
    assert.deepEqual(second.written.raised, []);
    assert.deepEqual(await gapAlerts(), [{ id, severity: 'critical', status: 'open' }]);
  });

  it('resolves when the partition closes again', async () => {
    await store.query(
      `UPDATE serving.partition_accounting SET silver_rows = silver_rows + 3 WHERE topic = $1 AND partition = 1`,
      [TOPIC],
    );
    clock = T0 + 6 * MIN;
    const pass = await loop.runOnce();
    assert.equal(pass.written.resolved.length, 1);
    assert.deepEqual(
      (await gapAlerts()).map((a) => a.status),
      ['resolved'],
    );
  });
});
