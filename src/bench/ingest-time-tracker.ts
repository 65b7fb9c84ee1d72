import { parseIsoTimestampMs } from '../contract/index.js';
import type { EventLog, LogRecord } from '../log/event-log.js';
import type { CommitInfo } from '../pipeline/processor/stream-processor.js';
import { LatencyHistogram } from './latency-percentiles.js';

const INGEST_FIELD = Buffer.from('"ingest_time":"');
const EVENT_ID_FIELD = Buffer.from('"event_id":"');
const QUOTE = 0x22;
const MAX_TIMESTAMP_CHARS = 40;
/** Committed reads kept at the head of the pending queue before it is compacted. */
const COMPACT_PENDING_AT = 65_536;

export interface CommitLag {
  readonly committedAtMs: number;
  readonly records: number;
  /** Largest (commit time - ingest reference) over the commit's records. */
  readonly maxLagMs: number;
}

/**
 * Freshness bookkeeping for one processor at a time. The wrapped log queues the ingest reference
 * of every record the processor reads, in read order; the processor commits batches strictly in
 * read order (batch N+1 may be read before batch N commits), so a commit of `records` records
 * covers the oldest `records` queued reads. onCommit fires after the serving-DB transaction, so
 * each record's freshness is `committedAtMs - ingest reference`.
 *
 * Ingest reference = min(the event's ingest_time, the log append time): the earliest moment the
 * event provably existed. A collector stamps ingest_time before the append, so normally that is
 * ingest_time; the simulator releases an event when its event_time is due while stamping an
 * ingest_time 5..500 ms later (the producer delay it models), so there the append time is earlier.
 * Taking the later of the two would credit the pipeline with time it did not spend (and gave
 * negative stream latencies). Records without a parseable ingest_time use the append time.
 *
 * A re-sent record (an event_id already committed: the simulator re-sends earlier records verbatim,
 * ingest_time included, as a retrying producer does) is counted for the commit alignment but
 * measured nowhere: the pipeline drops it, so no KPI row ever includes it, and its old ingest_time
 * would report the age of the original as the pipeline's latency. Recognising them needs every
 * committed event_id, which grows with the run: traffic without duplicates (`trackResentIds:
 * false`) keeps none, so a long run's memory is the pipeline's, not this bookkeeping's.
 *
 * Lags go to constant-memory histograms: one over the run and one per minute of commit time
 * (`lagsByMinute`, keyed by the minute's start in ms), so "p99 throughout" can be checked.
 */
export class IngestTimeTracker {
  readonly lags = new LatencyHistogram();
  readonly lagsByMinute = new Map<number, LatencyHistogram>();
  readonly commits: CommitLag[] = [];
  /** Reads not yet committed, in read order: ingest reference and event_id (null when absent). */
  private pending: Array<{ readonly refMs: number; readonly id: string | null }> = [];
  private pendingHead = 0;
  private readonly committedIds = new Set<string>();
  private readonly trackResentIds: boolean;
  private committedCount = 0;
  /** newestIngestMs[i] = newest ingest reference committed by commits[i] or any before it. */
  private readonly newestIngestMs: number[] = [];

  constructor(options: { readonly trackResentIds?: boolean } = {}) {
    this.trackResentIds = options.trackResentIds ?? true;
  }

  /** The log as the processor should see it: reads are recorded, everything else delegates. */
  wrap(log: EventLog): EventLog {
    return {
      kind: log.kind,
      ensureTopic: (spec) => log.ensureTopic(spec),
      listTopics: () => log.listTopics(),
      describeTopic: (topic) => log.describeTopic(topic),
      append: (topic, records) => log.append(topic, records),
      read: async (topic, partition, offset, options) => {
        const records = await log.read(topic, partition, offset, options);
        for (const r of records)
          this.pending.push({
            refMs: ingestReferenceMs(r),
            id: this.trackResentIds ? stringField(r, EVENT_ID_FIELD) : null,
          });
        return records;
      },
      commitGroupOffsets: (group, topic, offsets) => log.commitGroupOffsets(group, topic, offsets),
      groupOffsets: (group, topic) => log.groupOffsets(group, topic),
      close: () => log.close(),
    };
  }

  /** Call from the processor's onCommit. */
  onCommit(info: CommitInfo): void {
    let maxLagMs = 0;
    const minuteMs = info.committedAtMs - (info.committedAtMs % 60_000);
    let minute = this.lagsByMinute.get(minuteMs);
    if (minute === undefined) this.lagsByMinute.set(minuteMs, (minute = new LatencyHistogram()));
    let newest = this.newestIngestMs.at(-1) ?? Number.NEGATIVE_INFINITY;
    const end = Math.min(this.pending.length, this.pendingHead + info.records);
    for (let i = this.pendingHead; i < end; i++) {
      const { refMs: ingestMs, id } = this.pending[i]!;
      if (id !== null) {
        if (this.committedIds.has(id)) continue;
        this.committedIds.add(id);
      }
      const lag = info.committedAtMs - ingestMs;
      this.lags.push(lag);
      minute.push(lag);
      if (lag > maxLagMs) maxLagMs = lag;
      if (ingestMs > newest) newest = ingestMs;
    }
    const records = end - this.pendingHead;
    this.committedCount += records;
    this.commits.push({ committedAtMs: info.committedAtMs, records, maxLagMs });
    this.newestIngestMs.push(newest);
    this.pendingHead = end;
    if (this.pendingHead === this.pending.length) this.resetPending();
    else if (this.pendingHead >= COMPACT_PENDING_AT) {
      // The processor reads ahead of its commits: drop the committed head now and then.
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  /** Forget reads that were never committed (a stopped processor). */
  resetPending(): void {
    this.pending = [];
    this.pendingHead = 0;
  }

  /** Newest ingest reference among the records committed at or before `committedAtMs`. */
  newestIngestCommittedBy(committedAtMs: number): number | undefined {
    let lo = 0;
    let hi = this.commits.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.commits[mid]!.committedAtMs <= committedAtMs) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const newest = found < 0 ? undefined : this.newestIngestMs[found];
    return newest === undefined || !Number.isFinite(newest) ? undefined : newest;
  }

  get committedRecords(): number {
    return this.committedCount;
  }
}

export function ingestReferenceMs(record: LogRecord): number {
  const text = stringField(record, INGEST_FIELD);
  const ingestMs = text === null || text.length > MAX_TIMESTAMP_CHARS ? NaN : parseIsoTimestampMs(text);
  return Number.isFinite(ingestMs) ? Math.min(ingestMs, record.timestampMs) : record.timestampMs;
}

/**
 * The text of the first `"<name>":"..."` in a record (`field` is that prefix, encoded), up to the
 * next quote: enough for the simulator's unescaped ids and timestamps; null when absent.
 */
function stringField(record: LogRecord, field: Buffer): string | null {
  const at = record.value.indexOf(field);
  if (at < 0) return null;
  const start = at + field.length;
  const end = record.value.indexOf(QUOTE, start);
  return end < 0 ? null : record.value.toString('latin1', start, end);
}
