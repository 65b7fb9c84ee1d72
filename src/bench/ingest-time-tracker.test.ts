import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogRecord } from '../log/event-log.js';
import { IngestTimeTracker, ingestReferenceMs } from './ingest-time-tracker.js';

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

describe('bench ingest reference', () => {
  it('is the earlier of ingest_time and the append time, never a later moment', () => {
    assert.equal(ingestReferenceMs(record(0, '2026-11-22T07:59:59.700Z')), APPEND_MS - 300);
    // The simulator stamps ingest_time up to 500 ms after it appends: the append time counts.
    assert.equal(ingestReferenceMs(record(1, '2026-11-22T08:00:00.400Z')), APPEND_MS);
    assert.equal(ingestReferenceMs(record(2, null)), APPEND_MS);
    assert.equal(ingestReferenceMs(record(3, 'not a time 000000000000')), APPEND_MS);
  });

  it('charges each commit with the records read before it, in read order', async () => {
    const tracker = new IngestTimeTracker();
    const batch = [record(0, '2026-11-22T07:59:59.000Z'), record(1, '2026-11-22T08:00:00.400Z')];
    const log = tracker.wrap({ read: async () => batch } as unknown as Parameters<
      IngestTimeTracker['wrap']
    >[0]);
    await log.read('t', 0, 0, { maxRecords: 10, maxWaitMs: 0 });
    tracker.onCommit({
      records: 2,
      windowsTouched: [],
      committedAtMs: APPEND_MS + 250,
      maxEventTimeMs: null,
    });
    assert.deepEqual([...tracker.lagsMs.toArray()], [1_250, 250]);
    assert.deepEqual(tracker.commits, [{ committedAtMs: APPEND_MS + 250, records: 2, maxLagMs: 1_250 }]);
    assert.equal(tracker.newestIngestCommittedBy(APPEND_MS + 250), APPEND_MS);
    assert.equal(tracker.newestIngestCommittedBy(APPEND_MS), undefined);
  });

  it('does not measure a re-sent record (same event_id): the pipeline drops it', async () => {
    const tracker = new IngestTimeTracker();
    const original = record(0, '2026-11-22T07:59:00.000Z');
    let batch = [original];
    const log = tracker.wrap({ read: async () => batch } as unknown as Parameters<
      IngestTimeTracker['wrap']
    >[0]);
    await log.read('t', 0, 0, { maxRecords: 10, maxWaitMs: 0 });
    tracker.onCommit({
      records: 1,
      windowsTouched: [],
      committedAtMs: APPEND_MS + 100,
      maxEventTimeMs: null,
    });
    // Read but never committed (a stopped processor), then read again: measured once, on commit.
    batch = [{ ...original, offset: 1 }];
    await log.read('t', 0, 1, { maxRecords: 10, maxWaitMs: 0 });
    tracker.resetPending();
    await log.read('t', 0, 1, { maxRecords: 10, maxWaitMs: 0 });
    tracker.onCommit({
      records: 1,
      windowsTouched: [],
      committedAtMs: APPEND_MS + 200,
      maxEventTimeMs: null,
    });
    assert.deepEqual([...tracker.lagsMs.toArray()], [60_100]);
    assert.deepEqual(
      tracker.commits.map((c) => [c.records, c.maxLagMs]),
      [
        [1, 60_100],
        [1, 0],
      ],
    );
  });
});
