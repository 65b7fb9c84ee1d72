/**
 * The lake is flushed by size and age, behind Gold. These tests stop processors at the two
 * dangerous points of step 6 and check that a new processor completes the lake exactly once:
 * (a) Gold committed, nothing flushed (the process died with a full buffer);
 * (b) a flush's files written and renamed, its lake positions not recorded.
 * Real components: the embedded log, PGlite, the DuckDB lake.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../config/index.js';
import { isShopError, ShopError } from '../../errors/index.js';
import { openLake, queryLake, recomputeKpiMinuteFromSilver, type Lake } from '../../lake/index.js';
import { openEmbeddedLog } from '../../log/embedded/index.js';
import { RAW_TOPIC, type EventLog } from '../../log/event-log.js';
import {
  createSimulator,
  DEFAULT_SIMULATOR_OPTIONS,
  eventLogSink,
  runSimulation,
} from '../../sources/simulator/index.js';
import {
  openPgliteStore,
  queryKpis,
  readAccounting,
  readPositions,
  type ServingStore,
} from '../../store/index.js';
import { processorOptionsFromConfig } from '../../cli/open-components.js';
import { processorLake, processorStore } from './processor-adapters.js';
import type { ProcessorStore } from './processor-ports.js';
import { StreamProcessor } from './stream-processor.js';

const EVENTS = 6_000;

describe('lake flush recovery', () => {
  let dir: string;
  let log: EventLog;
  let store: ServingStore;
  let lake: Lake;
  const config = loadConfig({ overrides: { dataDir: '/unused' } });
  const newProcessor = (flushMaxBytes: number, storeOverride?: Partial<ProcessorStore>) =>
    new StreamProcessor(
      {
        ...processorOptionsFromConfig(config),
        maxBatchRecords: 500,
        lake: { flushMaxBytes, flushMaxAgeMs: 3_600_000 },
      },
      { log, lake: processorLake(lake), store: { ...processorStore(store), ...storeOverride } },
    );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shop-flush-'));
    log = await openEmbeddedLog({ ...config.log, dir: join(dir, 'log'), mode: 'write' });
    await log.ensureTopic({ name: RAW_TOPIC, partitions: 2 });
    const sim = createSimulator({
      ...DEFAULT_SIMULATOR_OPTIONS,
      seed: 11,
      count: EVENTS,
      ratePerSec: 500,
      startTimeMs: Date.UTC(2026, 2, 2, 10),
      invalidPct: 2,
      duplicatePct: 2,
      latePct: 1,
    });
    await runSimulation(sim, eventLogSink(log), { batchSize: 1_000, idleWaitMs: 1 });
    store = await openPgliteStore({ dataDir: join(dir, 'serving') });
    await store.migrate();
    lake = await openLake({ dir: join(dir, 'lake'), fsync: false });
  });
  after(async () => {
    await Promise.allSettled([lake.close(), store.close(), log.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes the lake exactly once after a stop with a full buffer and after an unrecorded flush', async () => {
    // (a) Gold runs ahead; nothing reaches the lake (huge flush size, no clean stop).
    const first = newProcessor(1e12);
    await first.start();
    while ((await first.runCycle()) > 0);
    await first.flush();
    const positions = await readPositions(store, RAW_TOPIC);
    assert.equal(
      positions.reduce((n, p) => n + p.nextOffset, 0),
      EVENTS,
    );
    assert.ok(positions.every((p) => p.lakeNextOffset === 0));
    assert.equal((await lake.files.list('bronze')).length, 0);

    // (b) A new owner re-derives every buffered row, writes the files, then dies before recording.
    const second = newProcessor(1e12, {
      commitLake: () => Promise.reject(new Error('killed between the rename and the record')),
    });
    await second.start();
    assert.equal(second.stats().lakeBufferedRecords, EVENTS, 're-derived from the log');
    await assert.rejects(second.flushLake(), /killed between/);
    assert.ok((await lake.files.list('bronze')).length > 0, 'the unrecorded files are on disk');

    // A third owner deletes them (first offset >= lake position), re-derives, and flushes.
    const third = newProcessor(200_000);
    await third.start();
    await third.drain();
    const after = await readPositions(store, RAW_TOPIC);
    assert.ok(after.every((p) => p.lakeNextOffset === p.nextOffset));

    const [bronze] = await queryLake(
      lake,
      'SELECT count(*) AS n, count(DISTINCT (partition, "offset")) AS d FROM bronze',
    );
    assert.deepEqual([Number(bronze!['n']), Number(bronze!['d'])], [EVENTS, EVENTS], 'Bronze exactly once');
    const [silver] = await queryLake(lake, 'SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM silver');
    const [quarantine] = await queryLake(lake, 'SELECT count(*) AS n FROM quarantine');
    const accounting = await readAccounting(store, RAW_TOPIC);
    const sum = (k: 'silverRows' | 'quarantineRows') => accounting.reduce((n, a) => n + a[k], 0);
    assert.equal(Number(silver!['n']), Number(silver!['d']), 'no duplicate event_id');
    assert.equal(Number(silver!['n']), sum('silverRows'));
    assert.equal(Number(quarantine!['n']), sum('quarantineRows'));

    const served = await queryKpis(store, {
      fromMs: 0,
      toMs: Date.UTC(9999, 0, 1),
      grain: 'minute',
      limit: 1e6,
    });
    const recomputed = new Map(
      (await recomputeKpiMinuteFromSilver(lake)).map((r) => [
        `${Date.parse(r.window_start)} ${r.metric}`,
        r.value,
      ]),
    );
    assert.equal(served.length, recomputed.size);
    for (const p of served) {
      const want = recomputed.get(`${Date.parse(p.windowStart)} ${p.metric}`);
      assert.ok(want !== undefined && Math.abs(p.value - want) <= 1e-6 * Math.max(1, Math.abs(want)));
    }
  });

  it('refuses to complete the lake from a log that lost the records (coded, not retried)', async () => {
    await store.query(`UPDATE serving.processor_positions SET lake_next_offset = 0 WHERE partition = 0`);
    // A log whose retention deleted everything: reads return nothing.
    const emptied = new Proxy(log, {
      get(target, key) {
        if (key === 'read') return async () => [];
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const lost = new StreamProcessor(
      { ...processorOptionsFromConfig(config), lake: { flushMaxBytes: 1e12, flushMaxAgeMs: 1e9 } },
      { log: emptied, lake: processorLake(lake), store: processorStore(store) },
    );
    await assert.rejects(
      lost.start(),
      (err) => isShopError(err, 'SHOP_PROCESSOR_LAKE_BEHIND_LOG') && !err.canRetry,
    );
  });

  it('keeps owning a partition whose adoption failed on an unreachable log, and adopts it once the log is back', async () => {
    await store.query(`UPDATE serving.processor_positions SET lake_next_offset = 0`);
    let down = true;
    const flaky = new Proxy(log, {
      get(target, key) {
        if (key === 'read')
          return (...args: Parameters<EventLog['read']>) =>
            down
              ? Promise.reject(new ShopError('SHOP_LOG_UNAVAILABLE', 'broker down'))
              : target.read(...args);
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const p = new StreamProcessor(
      { ...processorOptionsFromConfig(config), lake: { flushMaxBytes: 1e12, flushMaxAgeMs: 1e9 } },
      { log: flaky, lake: processorLake(lake), store: processorStore(store) },
    );
    await assert.rejects(p.start(), (err) => isShopError(err, 'SHOP_LOG_UNAVAILABLE'));
    // Before the fix both partitions vanished from memory while the database still named this
    // processor their owner: a rebalance never released them and the new owner waited forever.
    assert.deepEqual([...p.ownedEpochs().keys()].sort(), [0, 1]);
    down = false;
    await p.recover();
    assert.equal(p.stats().lakeBufferedRecords, EVENTS, 're-derived once the log answers');
    const epochs = p.release([1]);
    assert.deepEqual([...epochs.keys()], [1]);
    assert.deepEqual([...p.ownedEpochs().keys()], [0]);
  });
});
