import type { BronzeRow, QuarantineRow, SilverRow } from '../lake-table.js';

/**
 * The fast staging format: the rows of a batch packed into a few large strings ("blocks").
 * A row is one `Array.join` of its values (fields separated by U+001F, NULL written as U+001E,
 * BLOB values as base64; numbers are converted by the join itself), a block is a join of rows
 * separated by U+001F U+001D U+001F; DuckDB splits blocks into rows and rows into typed columns
 * while it writes the Parquet file. The blocks of one hive hour reach DuckDB as one bound list
 * parameter: one native call per file instead of one or more per row or per cell.
 *
 * Collisions: a value containing U+001F changes the field count of its row, which DuckDB reports
 * (`PACK_MISMATCH_TOKEN`); a value containing the row separator splits its row, so the file would
 * hold more rows than were staged (checked after the COPY, before the file is published, even
 * when the pieces happen to have the right field counts); a value equal to U+001E throws
 * `PackCollision` here. In every case the whole batch is staged again cell by cell
 * (`row-appenders.ts`), so every value round-trips exactly. Parsed JSON strings hold these
 * characters only when the text escaped them (\u001f...), so only odd or hostile input takes the
 * slow path.
 */
export const NULL_MARK = '\x1e';
/** The middle of the separator between two rows of a block. */
export const ROW_MARK = '\x1d';
export const PACK_MISMATCH_TOKEN = 'shop_lake_pack_mismatch';

export class PackCollision extends Error {
  constructor() {
    super('a value collides with the packed-row marks');
  }
}

/** Pushes one row's values (the table's staged columns, in order) onto a block's field list. */
export type RowPacker<Row> = (row: Row, out: Array<string | number>) => void;

const t = (v: string | null | undefined): string => {
  if (v === null || v === undefined) return NULL_MARK;
  if (v === NULL_MARK) throw new PackCollision();
  return v;
};
const n = (v: number | null | undefined): string | number =>
  v === null || v === undefined || !Number.isFinite(v) ? NULL_MARK : v;
const b = (v: Uint8Array | null): string =>
  v === null ? NULL_MARK : Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');

/** Lineage and raw columns shared by Bronze and quarantine, in table order. */
function packRaw(r: BronzeRow | QuarantineRow, out: Array<string | number>): void {
  out.push(t(r.topic), r.partition, r.offset, t(r.logKey), r.logTimestampMs, t(r.rawJson), b(r.rawBytes));
}

export const packBronzeRow: RowPacker<BronzeRow> = (r, out) => {
  packRaw(r, out);
  out.push(t(r.eventId), t(r.eventType), n(r.eventTimeMs), n(r.ingestTimeMs), t(r.userId));
};

export const packQuarantineRow: RowPacker<QuarantineRow> = (r, out) => {
  packRaw(r, out);
  out.push(t(r.reasons.join(',')), t(r.eventId));
};

export const packSilverRow: RowPacker<SilverRow> = (r, out) => {
  const e = r.event;
  out.push(
    t(e.event_id),
    n(e.event_version),
    t(e.event_type),
    r.eventTimeMs,
    r.ingestTimeMs,
    t(e.user_id),
    t(e.session_id),
    t(e.product_id),
    n(e.quantity),
    n(e.price),
    t(e.currency),
    t(e.order_id),
    t(e.source),
    t(e.category),
    t(e.channel),
    t(e.store_id),
    t(e.page_url),
    t(e.referrer),
    t(e.user_agent),
    t(e.ip_address),
    t(e.country),
    t(e.device),
    n(e.stock_level),
    t(r.driftJson),
    t(r.topic),
    r.partition,
    r.offset,
  );
};
