/**
 * Lake positions (docs/delivery-guarantees.md): the lake is flushed by size and age, not on every
 * Gold commit, so each partition has a second position: `lake_next_offset`, the first log offset
 * whose Bronze/Silver/quarantine rows are not yet in committed lake files, and
 * `lake_stream_time`, the partition's stream time right after the record before it (what the
 * processor needs to re-derive the unflushed rows from the log after a crash). Rows written before
 * this migration, when every Gold commit also wrote the lake, start with the lake position equal to
 * the Gold position.
 */
export const id = '0004_lake_positions';

export const statements: readonly string[] = [
  `ALTER TABLE serving.processor_positions ADD COLUMN lake_next_offset bigint NOT NULL DEFAULT 0`,
  `ALTER TABLE serving.processor_positions ADD COLUMN lake_stream_time timestamptz NULL`,
  `ALTER TABLE serving.processor_positions ADD COLUMN lake_committed_at timestamptz NULL`,
  `UPDATE serving.processor_positions SET lake_next_offset = next_offset, lake_stream_time = max_event_time`,
];
