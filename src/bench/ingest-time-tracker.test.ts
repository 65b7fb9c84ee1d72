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

/** A tracker over a fake log whose reads return `source()`; `commit` reports a commit of n records. */
function trackedReads(source: () => LogRecord[]) {
  const tracker = new IngestTimeTracker();
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
    assert.deepEqual([...tracker.lagsMs.toArray()], [1_250, 250]);
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
