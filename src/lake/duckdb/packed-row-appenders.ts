import type { DuckDBAppender } from '@duckdb/node-api';
import type { BronzeRow, QuarantineRow, SilverRow } from '../lake-table.js';
import { hourOf } from '../lake-file-names.js';
import type { RowAppender } from './row-appenders.js';

/**
 * The fast staging format: the small columns of a row packed into ONE string (fields separated
 * by U+001F, NULL written as U+001E), split back into typed columns by DuckDB while it writes
 * the Parquet file. This costs 2-4 appender calls per row instead of one per cell (the calls,
 * not the bytes, dominate). Large raw columns (raw_json, raw_bytes) stay cells of their own.
 * A value containing U+001F is caught by DuckDB (wrong field count -> `PACK_MISMATCH_TOKEN`
 * error); a value equal to U+001E throws `PackCollision` here. Either way the batch is staged
 * again cell by cell (`row-appenders.ts`), so every value round-trips exactly.
 */
export const FIELD_SEPARATOR = '\x1f';
export const NULL_MARK = '\x1e';
export const PACK_MISMATCH_TOKEN = 'shop_lake_pack_mismatch';

export class PackCollision extends Error {
  constructor() {
    super('a value equals the packed-row NULL mark');
  }
}

const t = (v: string | null | undefined): string => {
  if (v === null || v === undefined) return NULL_MARK;
  if (v === NULL_MARK) throw new PackCollision();
  return v;
};
const n = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? NULL_MARK : String(v);

function packRawHead(r: BronzeRow | QuarantineRow): string {
  return `${t(r.topic)}\x1f${r.partition}\x1f${r.offset}\x1f${t(r.logKey)}\x1f${r.logTimestampMs}`;
}

function appendRaw(app: DuckDBAppender, packed: string, r: BronzeRow | QuarantineRow, hour: number): number {
  app.appendVarchar(packed);
  if (r.rawJson === null) app.appendNull();
  else app.appendVarchar(r.rawJson);
  if (r.rawBytes === null) app.appendNull();
  else app.appendBlob(r.rawBytes);
  app.appendDouble(hour);
  app.endRow();
  return hour;
}

export const appendPackedBronzeRow: RowAppender<BronzeRow> = (app, r) => {
  const packed = `${packRawHead(r)}\x1f${t(r.eventId)}\x1f${t(r.eventType)}\x1f${n(r.eventTimeMs)}\x1f${n(r.ingestTimeMs)}\x1f${t(r.userId)}`;
  return appendRaw(app, packed, r, hourOf(r.logTimestampMs));
};

export const appendPackedQuarantineRow: RowAppender<QuarantineRow> = (app, r) => {
  const packed = `${packRawHead(r)}\x1f${t(r.reasons.join(','))}\x1f${t(r.eventId)}`;
  return appendRaw(app, packed, r, hourOf(r.logTimestampMs));
};

export const appendPackedSilverRow: RowAppender<SilverRow> = (app, r) => {
  const e = r.event;
  const hour = hourOf(r.eventTimeMs);
  app.appendVarchar(
    `${t(e.event_id)}\x1f${n(e.event_version)}\x1f${t(e.event_type)}\x1f${r.eventTimeMs}\x1f${r.ingestTimeMs}\x1f` +
      `${t(e.user_id)}\x1f${t(e.session_id)}\x1f${t(e.product_id)}\x1f${n(e.quantity)}\x1f${n(e.price)}\x1f` +
      `${t(e.currency)}\x1f${t(e.order_id)}\x1f${t(e.source)}\x1f${t(e.category)}\x1f${t(e.channel)}\x1f` +
      `${t(e.store_id)}\x1f${t(e.page_url)}\x1f${t(e.referrer)}\x1f${t(e.user_agent)}\x1f${t(e.ip_address)}\x1f` +
      `${t(e.country)}\x1f${t(e.device)}\x1f${n(e.stock_level)}\x1f${t(r.driftJson)}\x1f${t(r.topic)}\x1f${r.partition}\x1f${r.offset}`,
  );
  app.appendDouble(hour);
  app.endRow();
  return hour;
};
