import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import pg from 'pg';
import { ShopError } from '../../errors/index.js';
import { redactUrl } from '../../store/postgres/connection-errors.js';

export interface PostgresSource {
  readonly url: string;
  /** `table` or `schema.table`; each part quoted as an identifier, never spliced as SQL. */
  readonly table?: string;
  /** A SELECT of the operator's own database, run as written inside a READ ONLY transaction. */
  readonly query?: string;
}

const CURSOR = 'shopstream_import';

/** The SELECT a source names: `SELECT * FROM "schema"."table"` or the query itself. */
export function sourceSelect(source: PostgresSource, escape: (id: string) => string): string {
  if ((source.table === undefined) === (source.query === undefined))
    throw new ShopError(
      'SHOP_CLI_BAD_ARGUMENT',
      '--from postgres://... needs exactly one of --table or --query',
    );
  if (source.query !== undefined) return source.query;
  const parts = source.table!.split('.');
  if (parts.length > 2 || parts.some((p) => p === ''))
    throw new ShopError(
      'SHOP_CLI_BAD_ARGUMENT',
      `--table must be table or schema.table, got '${source.table}'`,
    );
  return `SELECT * FROM ${parts.map(escape).join('.')}`;
}

/** What identifies the source across runs (no password): quarantine keys and import_runs use it. */
export const describePostgresSource = (s: PostgresSource): string =>
  `${redactUrl(s.url)} ${s.table !== undefined ? `table ${s.table}` : `query ${s.query ?? ''}`}`;

/**
 * Copies the rows of a PostgreSQL source to an NDJSON file (every value as its PostgreSQL text,
 * NULL as null), fetching `fetchRows` at a time through a cursor in a READ ONLY transaction.
 * Returns the number of rows. A refused connection, a missing table or a bad query is
 * SHOP_IMPORT_SOURCE_UNREADABLE.
 */
export async function dumpPostgresSource(
  source: PostgresSource,
  file: string,
  fetchRows: number,
  onRows: (n: number) => void = () => undefined,
): Promise<number> {
  const client = new pg.Client({
    connectionString: source.url,
    connectionTimeoutMillis: 10_000,
    types: { getTypeParser: () => (value: string) => value },
  });
  const out = createWriteStream(file);
  let rows = 0;
  try {
    await client.connect();
    const select = sourceSelect(source, (id) => client.escapeIdentifier(id));
    await client.query('BEGIN READ ONLY');
    await client.query(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${select}`);
    for (;;) {
      const page = await client.query(`FETCH ${Math.floor(fetchRows)} FROM ${CURSOR}`);
      if (page.rows.length === 0) break;
      const text = page.rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
      if (!out.write(text)) await once(out, 'drain');
      rows += page.rows.length;
      onRows(rows);
    }
    await client.query('COMMIT');
    return rows;
  } catch (err) {
    if (err instanceof ShopError) throw err;
    throw new ShopError(
      'SHOP_IMPORT_SOURCE_UNREADABLE',
      `${describePostgresSource(source)}: ${(err as Error).message}`,
      {
        cause: err,
        details: { source: describePostgresSource(source) },
      },
    );
  } finally {
    out.end();
    await once(out, 'close').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
