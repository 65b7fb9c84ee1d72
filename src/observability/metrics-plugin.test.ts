import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { openPgliteStore } from '../store/pglite/pglite-store.js';
import type { ServingStore } from '../store/serving-store.js';
import { seedPipeline } from '../api/testing/seed-serving-data.js';
import { readPipelineStatus } from '../pipeline/processor/pipeline-status.js';
import { registerMetricsRoutes } from './metrics-plugin.js';
import { applyPipelineStatus, ProcessorMetricsAdapter, recordDelivery } from './processor-metrics.js';
import { createShopMetrics } from './shop-metrics.js';

const NOW = Date.UTC(2026, 0, 24, 13, 0);

describe('/metrics and /ready', () => {
  let dir: string;
  let store: ServingStore;
  let app: FastifyInstance;
  const metrics = createShopMetrics();
  let logUp = true;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shopstream-metrics-'));
    store = await openPgliteStore({ dataDir: dir });
    await store.migrate();
    await seedPipeline(store, {
      partition: 0,
      nextOffset: 110,
      committedAtMs: NOW,
      maxEventTimeMs: NOW - 2500,
      silver: 100,
      quarantine: 7,
      duplicates: 3,
      reasons: { invalid_event_type: 5, missing_user_id: 2 },
    });
    await seedPipeline(store, {
      partition: 1,
      nextOffset: 20,
      committedAtMs: NOW,
      maxEventTimeMs: NOW - 4000,
      silver: 20,
      quarantine: 0,
      duplicates: 0,
      reasons: {},
    });
    app = Fastify({ logger: false });
    registerMetricsRoutes(app, {
      metrics,
      refresh: async () =>
        applyPipelineStatus(metrics, await readPipelineStatus(store, undefined, 'ecom.events.raw.v1', NOW)),
      readiness: {
        store: () => store.ping(),
        log: async () => {
          if (!logUp) throw new Error('log closed');
        },
      },
    });
  });
  after(async () => {
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves stage totals matching the accounting, reasons, freshness', async () => {
    const res = await app.inject({ url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/plain/);
    const body = res.body;
    // read = bronze = 100+7+3 + 20 = 130; silver 120; quarantine 7; duplicates 3.
    assert.match(body, /shopstream_stage_records_total\{stage="read"\} 130\n/);
    assert.match(body, /shopstream_stage_records_total\{stage="bronze"\} 130\n/);
    assert.match(body, /shopstream_stage_records_total\{stage="silver"\} 120\n/);
    assert.match(body, /shopstream_stage_records_total\{stage="quarantine"\} 7\n/);
    assert.match(body, /shopstream_stage_records_total\{stage="duplicates"\} 3\n/);
    assert.match(body, /shopstream_quarantined_events_total\{reason="invalid_event_type"\} 5\n/);
    // freshness = now - newest event time over partitions = 2.5 s
    assert.match(body, /shopstream_freshness_seconds 2.5\n/);
  });

  it('turns processor commits into counters and latency histograms', async () => {
    let storeCommit = 0;
    let read = 0;
    const adapter = new ProcessorMetricsAdapter(metrics, () => ({
      cycles: 1,
      commits: 1,
      recordsProcessed: 0,
      lakeFlushes: 0,
      lakeBufferedRecords: 0,
      lakeBufferedBytes: 0,
      stageMs: {
        read,
        parse: 0,
        validate: 0,
        dedupe: 0,
        aggregate: 0,
        lakeWrite: 0,
        lakeCommit: 0,
        storeCommit,
      },
      dedupe: {
        memoryIds: 900,
        memoryBytes: 20_480,
        sealedIds: 4_000,
        segments: 3,
        sealedMemoryBytes: 8_192,
        sealedDiskBytes: 114_300,
        diskLookups: 2,
      },
    }));
    read = 30;
    storeCommit = 20; // first cycle: 50 ms, commit 20 ms
    adapter.onCommit({ records: 500, windowsTouched: [NOW], committedAtMs: NOW, maxEventTimeMs: NOW });
    read = 40;
    storeCommit = 25; // second cycle: 15 ms, commit 5 ms
    adapter.onCommit({ records: 250, windowsTouched: [NOW], committedAtMs: NOW, maxEventTimeMs: NOW });
    recordDelivery(metrics, {
      alertId: 'a',
      event: 'raised',
      webhook: 'w',
      format: 'json',
      ok: true,
      statusCode: 204,
      durationMs: 1,
      dead: false,
    });
    const body = (await app.inject({ url: '/metrics' })).body;
    assert.match(body, /shopstream_processor_records_total 750\n/);
    assert.match(body, /shopstream_batch_duration_seconds_sum 0.065\n/);
    assert.match(body, /shopstream_commit_duration_seconds_sum 0.025\n/);
    assert.match(body, /shopstream_commit_duration_seconds_count 2\n/);
    assert.match(body, /shopstream_alert_deliveries_total\{format="json",outcome="sent"\} 1\n/);
    assert.match(body, /shopstream_processor_dedupe_ids\{tier="sealed"\} 4000\n/);
    assert.match(body, /shopstream_processor_dedupe_bytes\{tier="sealed",medium="disk"\} 114300\n/);
  });

  it('/ready is 200 when log and store answer, 503 naming the failing one', async () => {
    assert.equal((await app.inject({ url: '/ready' })).statusCode, 200);
    logUp = false;
    const res = await app.inject({ url: '/ready' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json(), { status: 'not_ready', checks: { store: 'ok', log: 'log closed' } });
  });
});
