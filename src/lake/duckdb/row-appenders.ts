import type { DuckDBAppender } from '@duckdb/node-api';
import type { BronzeRow, LakeTableName, QuarantineRow, SilverRow } from '../lake-table.js';
import { hourOf } from '../lake-file-names.js';

/**
 * Row appenders into the staging tables of `table-columns.ts` (same column order). One DuckDB
 * appender call per cell; numbers and epoch-ms times go as DOUBLE (no BigInt allocation).
 * Each returns the row's hive hour.
 */
export type RowAppender<Row> = (app: DuckDBAppender, row: Row) => number;

export interface RowsOf {
  bronze: BronzeRow;
  silver: SilverRow;
  quarantine: QuarantineRow;
}

/** The hive hour of a row (`HIVE_COLUMNS`): log time for Bronze and quarantine, event time for Silver. */
export const HIVE_HOUR_OF: { readonly [T in LakeTableName]: (row: RowsOf[T]) => number } = {
  bronze: (r) => hourOf(r.logTimestampMs),
  silver: (r) => hourOf(r.eventTimeMs),
  quarantine: (r) => hourOf(r.logTimestampMs),
};

function textCell(app: DuckDBAppender, value: string | null | undefined): void {
  if (value === null || value === undefined) app.appendNull();
  else app.appendVarchar(value);
}

function numberCell(app: DuckDBAppender, value: number | null | undefined): void {
  if (value === null || value === undefined || !Number.isFinite(value)) app.appendNull();
  else app.appendDouble(value);
}

function blobCell(app: DuckDBAppender, value: Uint8Array | null): void {
  if (value === null) app.appendNull();
  else app.appendBlob(value);
}

function rawCells(app: DuckDBAppender, row: BronzeRow | QuarantineRow): void {
  textCell(app, row.topic);
  app.appendDouble(row.partition);
  app.appendDouble(row.offset);
  textCell(app, row.logKey);
  app.appendDouble(row.logTimestampMs);
  textCell(app, row.rawJson);
  blobCell(app, row.rawBytes);
}

export const appendBronzeRow: RowAppender<BronzeRow> = (app, row) => {
  const hour = HIVE_HOUR_OF.bronze(row);
  rawCells(app, row);
  textCell(app, row.eventId);
  textCell(app, row.eventType);
  numberCell(app, row.eventTimeMs);
  numberCell(app, row.ingestTimeMs);
  textCell(app, row.userId);
  app.appendDouble(hour);
  app.endRow();
  return hour;
};

export const appendSilverRow: RowAppender<SilverRow> = (app, row) => {
  const e = row.event;
  const hour = HIVE_HOUR_OF.silver(row);
  textCell(app, e.event_id);
  app.appendDouble(e.event_version);
  textCell(app, e.event_type);
  app.appendDouble(row.eventTimeMs);
  app.appendDouble(row.ingestTimeMs);
  textCell(app, e.user_id);
  textCell(app, e.session_id);
  textCell(app, e.product_id);
  numberCell(app, e.quantity);
  numberCell(app, e.price);
  textCell(app, e.currency);
  textCell(app, e.order_id);
  textCell(app, e.source);
  textCell(app, e.category);
  textCell(app, e.channel);
  textCell(app, e.store_id);
  textCell(app, e.page_url);
  textCell(app, e.referrer);
  textCell(app, e.user_agent);
  textCell(app, e.ip_address);
  textCell(app, e.country);
  textCell(app, e.device);
  numberCell(app, e.stock_level);
  textCell(app, row.driftJson);
  textCell(app, row.topic);
  app.appendDouble(row.partition);
  app.appendDouble(row.offset);
  app.appendDouble(hour);
  app.endRow();
  return hour;
};

export const appendQuarantineRow: RowAppender<QuarantineRow> = (app, row) => {
  const hour = HIVE_HOUR_OF.quarantine(row);
  rawCells(app, row);
  app.appendVarchar(row.reasons.join(','));
  textCell(app, row.eventId);
  app.appendDouble(hour);
  app.endRow();
  return hour;
};

export const ROW_APPENDERS: { readonly [T in LakeTableName]: RowAppender<RowsOf[T]> } = {
  bronze: appendBronzeRow,
  silver: appendSilverRow,
  quarantine: appendQuarantineRow,
};
