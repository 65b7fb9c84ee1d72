import { createHash } from 'node:crypto';
import type { MartColumn } from './mart-model.js';
import { ident, type MartWorkspace } from './mart-workspace.js';

/**
 * Fingerprints say whether something changed without comparing it row by row.
 * - Silver per event_date: `count:sum(event ms):sum(ingest ms)`, read through the `silver` view
 *   (two integer columns, so it stays cheap); a new, removed or rewritten event changes it,
 *   rewriting files with the same rows (compaction) does not.
 * - Model rows per partition: `count:bit_xor(hash(row)):sum(hash(row) % p)` over the model's columns.
 */
export async function silverDayFingerprints(ws: MartWorkspace): Promise<Map<string, string>> {
  const rows = await ws.query(
    `SELECT CAST(event_date AS VARCHAR) AS day, count(*) AS n,
       CAST(sum(epoch_ms(event_time)) AS VARCHAR) AS t, CAST(sum(epoch_ms(ingest_time)) AS VARCHAR) AS i
     FROM silver GROUP BY event_date ORDER BY event_date`,
  );
  return new Map(
    rows.map((r) => [String(r['day']), `${String(r['n'])}:${String(r['t'])}:${String(r['i'])}`]),
  );
}

/** Per partition value (or `*` when `partitionColumn` is null): `rows:xor:sum` of the rows' hashes. */
export async function rowFingerprints(
  ws: MartWorkspace,
  rel: string,
  columns: readonly MartColumn[],
  partitionColumn: string | null,
): Promise<Map<string, { fingerprint: string; rows: number }>> {
  const h = `hash(${columns.map((c) => ident(c.name)).join(', ')})`;
  const key = partitionColumn === null ? `'*'` : `CAST(${ident(partitionColumn)} AS VARCHAR)`;
  const rows = await ws.query(
    `SELECT ${key} AS p, count(*) AS n, CAST(bit_xor(${h}) AS VARCHAR) AS x,
       CAST(sum(${h} % 1000000007) AS VARCHAR) AS s
     FROM ${rel} GROUP BY 1`,
  );
  return new Map(
    rows.map((r) => [
      String(r['p']),
      { fingerprint: `${String(r['n'])}:${String(r['x'])}:${String(r['s'])}`, rows: Number(r['n']) },
    ]),
  );
}

/** One short fingerprint of several (order-independent of the map's insertion order). */
export function combineFingerprints(parts: Iterable<readonly [string, string]>): string {
  const sorted = [...parts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256');
  for (const [k, v] of sorted) hash.update(`${k}=${v};`);
  return hash.digest('hex').slice(0, 32);
}
