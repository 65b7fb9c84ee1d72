import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogRecord } from '../log/event-log.js';
import { IngestTimeTracker, ingestReferenceMs } from './ingest-time-tracker.js';
import { LatencyHistogram, percentiles } from './latency-percentiles.js';

const APPEND_MS = Date.parse('2026-11-22T08:00:00.000Z');
const record = (offset: number, ingestTime: string | null): LogRecord => ({
  topic: 't',
  partition: 0,
  offset,
  key: null,
  timestampMs: APPEND_MS,
  headers: {},
  value: Buffer.from(
    JSON.stringify(
      ingestTime === null ? { event_id: `e${offset}` } : { event_id: `e${offset}`, ingest_time: ingestTime },
    ),
  ),
});

/** A tracker over a fake log whose reads return `source()`; `commit` reports a commit of n records. */
function trackedReads(source: () => LogRecord[], options: { trackResentIds?: boolean } = {}) {
  const tracker = new IngestTimeTracker(options);
  const log = tracker.wrap({ read: async () => source() } as unknown as Parameters<
    IngestTimeTracker['wrap']
  >[0]);
  return {
    tracker,
    read: () => log.read('t', 0, 0, { maxRecords: 10, maxWaitMs: 0 }),
    commit: (records: number, committedAtMs: number) =>
      tracker.onCommit({ records, windowsTouched: [], committedAtMs, maxEventTimeMs: null }),
  };
}

describe('bench ingest reference', () => {
  it('is the earlier of ingest_time and the append time, never a later moment', () => {
    assert.equal(ingestReferenceMs(record(0, '2026-11-22T07:59:59.700Z')), APPEND_MS - 300);
    // The simulator stamps ingest_time up to 500 ms after it appends: the append time counts.
    assert.equal(ingestReferenceMs(record(1, '2026-11-22T08:00:00.400Z')), APPEND_MS);
    assert.equal(ingestReferenceMs(record(2, null)), APPEND_MS);
    assert.equal(ingestReferenceMs(record(3, 'not a time 000000000000')), APPEND_MS);
  });

  it('charges each commit with the records read before it, in read order', async () => {
    const batch = [record(0, '2026-11-22T07:59:59.000Z'), record(1, '2026-11-22T08:00:00.400Z')];
    const { tracker, read, commit } = trackedReads(() => batch);
    await read();
    commit(2, APPEND_MS + 250);
    assert.deepEqual(tracker.lags.percentiles(), {
      count: 2,
      p50Ms: 250,
      p95Ms: 1_250,
      p99Ms: 1_250,
      maxMs: 1_250,
    });
    const minute = APPEND_MS + 250 - ((APPEND_MS + 250) % 60_000);
    assert.deepEqual([...tracker.lagsByMinute.keys()], [minute]);
    assert.equal(tracker.lagsByMinute.get(minute)!.count, 2);
    assert.deepEqual(tracker.commits, [{ committedAtMs: APPEND_MS + 250, records: 2, maxLagMs: 1_250 }]);
    assert.equal(tracker.newestIngestCommittedBy(APPEND_MS + 250), APPEND_MS);
    assert.equal(tracker.newestIngestCommittedBy(APPEND_MS), undefined);
  });

  it('does not measure a re-sent record (same event_id): the pipeline drops it', async () => {
    const original = record(0, '2026-11-22T07:59:00.000Z');
    let batch = [original];
    const { tracker, read, commit } = trackedReads(() => batch);
    await read();
    commit(1, APPEND_MS + 100);
    // Read but never committed (a stopped processor), then read again: measured once, on commit.
    batch = [{ ...original, offset: 1 }];
    await read();
    tracker.resetPending();
    await read();
    commit(1, APPEND_MS + 200);
    assert.equal(tracker.lags.count, 1);
    assert.equal(tracker.lags.percentiles().maxMs, 60_100);
    assert.deepEqual(
      tracker.commits.map((c) => [c.records, c.maxLagMs]),
      [
        [1, 60_100],
        [1, 0],
      ],
    );
  });

  it('without trackResentIds measures every committed record and keeps no event_id', async () => {
    const original = record(0, '2026-11-22T07:59:59.900Z');
    const { tracker, read, commit } = trackedReads(() => [original, { ...original, offset: 1 }], {
      trackResentIds: false,
    });
    await read();
    commit(2, APPEND_MS + 100);
    assert.equal(tracker.lags.count, 2);
    assert.equal(tracker.committedRecords, 2);
  });

  it('keeps the reads ahead of the commits when the committed head is compacted', async () => {
    let offset = 0;
    const { tracker, read, commit } = trackedReads(() =>
      Array.from({ length: 10 }, () => record(offset++, '2026-11-22T08:00:00.000Z')),
    );
    // 70,000 reads, commits trailing by 10 records: the head passes the compaction threshold.
    for (let i = 0; i < 7_000; i++) {
      await read();
      if (i > 0) commit(10, APPEND_MS + 5);
    }
    commit(10, APPEND_MS + 7);
    assert.equal(tracker.committedRecords, 70_000);
    assert.equal(tracker.lags.count, 70_000);
    assert.equal(tracker.commits.at(-1)!.maxLagMs, 7, 'the last commit charged the last reads');
  });
});

describe('LatencyHistogram', () => {
  it('gives the percentiles of the sorted samples, rounded to whole ms, large ones included', () => {
    const h = new LatencyHistogram();
    const samples: number[] = [];
    let seed = 12345;
    for (let i = 0; i < 5_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const v = i % 97 === 0 ? 10_000 + (seed % 50_000) : (seed % 3_000_000) / 1000;
      samples.push(v);
      h.push(v);
    }
    assert.deepEqual(h.percentiles(), percentiles(Float64Array.from(samples.map((v) => Math.round(v)))));
    assert.deepEqual(new LatencyHistogram().percentiles(), percentiles(new Float64Array(0)));
  });
});
