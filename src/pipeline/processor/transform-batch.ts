import { isUtf8 } from 'node:buffer';
import { parseEventText, validateEvent, type ValidateOptions } from '../../contract/index.js';
import type { LogRecord } from '../../log/event-log.js';
import type { BronzeRow, QuarantineRow, SilverRow } from '../../lake/lake-table.js';
import { toBronzeRow } from '../bronze/bronze-row.js';
import type { GoldAccumulator } from '../gold/gold-accumulator.js';
import { toQuarantineRow } from '../silver/quarantine-row.js';
import { toSilverRow, type SilverRowOptions } from '../silver/silver-row.js';
import type { PartitionState } from './partition-state.js';
import type { StageClock } from './stage-timer.js';

export interface TransformOptions {
  readonly watermarkMs: number;
  readonly validate: ValidateOptions;
  readonly silver: SilverRowOptions;
}

/** Per-partition accounting deltas of one batch (see docs/delivery-guarantees.md). */
export interface AccountingDelta {
  recordsRead: number;
  bronzeRows: number;
  silverRows: number;
  quarantineRows: number;
  duplicatesDropped: number;
  lateQuarantined: number;
  readonly reasons: Map<string, number>;
}

export interface PartitionBatch {
  readonly partition: number;
  readonly fromOffset: number;
  readonly toOffset: number;
  /** Bytes of the batch's log record values (the lake buffer's size measure). */
  readonly recordBytes: number;
  readonly bronze: BronzeRow[];
  readonly silver: SilverRow[];
  readonly quarantine: QuarantineRow[];
  readonly accounting: AccountingDelta;
}

interface Decoded {
  readonly record: LogRecord;
  readonly text: string | null;
  readonly parsed: unknown;
  readonly parsedOk: boolean;
}

/**
 * Steps 2a-2e of the commit path for one partition's records (contiguous offsets): Bronze rows for
 * every record; parse; validate; late check against the partition's stream time; dedupe; Silver and
 * quarantine rows; Gold deltas into `gold`. Mutates `state` (stream time, dedupe) exactly as a
 * record-at-a-time run would: the result depends only on the records and the committed state, so a
 * replay after a crash produces the same rows. Data problems are values here, never exceptions.
 */
export function transformPartitionBatch(
  records: readonly LogRecord[],
  state: PartitionState,
  gold: GoldAccumulator,
  options: TransformOptions,
  timer: StageClock,
): PartitionBatch {
  const decoded = timer.time('parse', () => records.map(decode));
  const verdicts = timer.time('validate', () =>
    decoded.map((d) => (d.parsedOk ? validateEvent(d.parsed, options.validate) : undefined)),
  );
  const batch: PartitionBatch = {
    partition: state.partition,
    fromOffset: records[0]!.offset,
    toOffset: records[records.length - 1]!.offset,
    recordBytes: records.reduce((n, r) => n + r.value.length, 0),
    bronze: new Array<BronzeRow>(records.length),
    silver: [],
    quarantine: [],
    accounting: emptyAccounting(),
  };
  const accepted: number[] = [];
  timer.time('dedupe', () => {
    for (let i = 0; i < decoded.length; i++) {
      const d = decoded[i]!;
      const verdict = verdicts[i];
      batch.bronze[i] = toBronzeRow(d.record, d.text, d.parsedOk ? d.parsed : undefined, verdict);
      if (verdict === undefined || !verdict.valid) {
        quarantine(batch, d, verdict === undefined ? ['not_json'] : verdict.reasons);
      } else if (verdict.eventTimeMs < state.streamTimeMs - options.watermarkMs) {
        quarantine(batch, d, ['late_beyond_watermark']);
        batch.accounting.lateQuarantined += 1;
      } else if (!state.dedupe.firstSeen(verdict.event.event_id, verdict.eventTimeMs)) {
        batch.accounting.duplicatesDropped += 1;
      } else {
        if (verdict.eventTimeMs > state.streamTimeMs) state.streamTimeMs = verdict.eventTimeMs;
        accepted.push(i);
      }
    }
    state.dedupe.evict(state.streamTimeMs);
  });
  timer.time('aggregate', () => {
    for (const i of accepted) {
      const verdict = verdicts[i]!;
      if (!verdict.valid) continue;
      const record = decoded[i]!.record;
      gold.add(verdict.event, verdict.eventTimeMs, record.partition, record.offset);
      batch.silver.push(toSilverRow(verdict, record, options.silver));
    }
  });
  const a = batch.accounting;
  a.recordsRead = records.length;
  a.bronzeRows = records.length;
  a.silverRows = batch.silver.length;
  a.quarantineRows = batch.quarantine.length;
  return batch;
}

function decode(record: LogRecord): Decoded {
  // Decoding replaces invalid UTF-8 with U+FFFD; only then is the (slower) exact check needed.
  const decoded = record.value.toString('utf8');
  const text = decoded.includes('\uFFFD') && !isUtf8(record.value) ? null : decoded;
  if (text === null) return { record, text, parsed: undefined, parsedOk: false };
  const parsed = parseEventText(text);
  return { record, text, parsed: parsed.ok ? parsed.value : undefined, parsedOk: parsed.ok };
}

function quarantine(batch: PartitionBatch, d: Decoded, reasons: readonly string[]): void {
  batch.quarantine.push(toQuarantineRow(d.record, d.text, d.parsedOk ? d.parsed : undefined, reasons));
  for (const reason of reasons)
    batch.accounting.reasons.set(reason, (batch.accounting.reasons.get(reason) ?? 0) + 1);
}

function emptyAccounting(): AccountingDelta {
  return {
    recordsRead: 0,
    bronzeRows: 0,
    silverRows: 0,
    quarantineRows: 0,
    duplicatesDropped: 0,
    lateQuarantined: 0,
    reasons: new Map(),
  };
}
