import { extname } from 'node:path';
import { ShopError } from '../../errors/index.js';
import type { EntitySpec } from './import-entities.js';
import type { ImportEngine } from './import-engine.js';
import { resolveColumns, type ImportMapping } from './import-mapping.js';

export const FORMATS = ['csv', 'ndjson', 'parquet'] as const;
export type SourceFormat = (typeof FORMATS)[number];

const sqlString = (v: string): string => `'${v.replaceAll("'", "''")}'`;
const ident = (v: string): string => `"${v.replaceAll('"', '""')}"`;

/** The format of a file: `--format`, else its extension (.csv, .ndjson/.jsonl/.json, .parquet). */
export function formatOf(file: string, asked: string | undefined): SourceFormat {
  const ext = extname(file).toLowerCase();
  const guessed =
    ext === '.csv'
      ? 'csv'
      : ['.ndjson', '.jsonl', '.json'].includes(ext)
        ? 'ndjson'
        : ext === '.parquet'
          ? 'parquet'
          : undefined;
  const format = asked ?? guessed;
  if (format === undefined || !(FORMATS as readonly string[]).includes(format))
    throw new ShopError(
      'SHOP_CLI_BAD_ARGUMENT',
      `cannot tell the format of ${file}: use --format csv|ndjson|parquet`,
    );
  return format as SourceFormat;
}

/** RFC 4180 CSV with a header line; malformed lines are kept in DuckDB's reject_errors table. */
const CSV = (path: string) =>
  `read_csv(${sqlString(path)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', store_rejects = true)`;
const PARQUET = (path: string) => `read_parquet(${sqlString(path)})`;
/** One VARCHAR per line (U+0001 cannot occur in JSON text, so no line is ever split). */
const LINES = (path: string) =>
  `read_csv(${sqlString(path)}, columns = {'line': 'VARCHAR'}, header = false, delim = chr(1), quote = '', escape = '', auto_detect = false)`;

/**
 * Reads a source into the engine's table `src`: `_row` (1-based position), `_raw` (the row as
 * JSON text, kept for quarantine), `_ok` (false: an NDJSON line that is not a JSON object), and
 * one VARCHAR column per entity field, taken from its mapped source column (NULL when none).
 * Also fills `rejected` (malformed CSV lines: `_row`, `_raw`, `reason`).
 */
export async function readImportSource(
  engine: ImportEngine,
  spec: EntitySpec,
  mapping: ImportMapping,
  path: string,
  format: SourceFormat,
): Promise<void> {
  await engine.query(`CREATE OR REPLACE TABLE rejected (_row BIGINT, _raw VARCHAR, reason VARCHAR)`);
  if (format === 'ndjson') return readLines(engine, spec, mapping, path);
  const source = format === 'csv' ? CSV(path) : PARQUET(path);
  const described = await engine.query(`DESCRIBE SELECT * FROM ${source}`);
  const columns = resolveColumns(
    spec,
    mapping,
    described.map((r) => String(r['column_name'])),
  );
  const fields = spec.fields.map((f) => {
    const c = columns[f.name];
    return c === null || c === undefined
      ? `CAST(NULL AS VARCHAR) AS ${ident(f.name)}`
      : `CAST(t.${ident(c)} AS VARCHAR) AS ${ident(f.name)}`;
  });
  await engine.query(
    `CREATE OR REPLACE TABLE src AS SELECT row_number() OVER () AS _row, CAST(to_json(t) AS VARCHAR) AS _raw,
       true AS _ok, ${fields.join(', ')} FROM ${source} t`,
  );
  if (format === 'csv')
    await engine.query(
      `INSERT INTO rejected SELECT CAST(line AS BIGINT), any_value(csv_line), 'malformed_csv'
       FROM reject_errors GROUP BY line`,
    );
}

async function readLines(
  engine: ImportEngine,
  spec: EntitySpec,
  mapping: ImportMapping,
  path: string,
): Promise<void> {
  const columns = resolveColumns(spec, mapping, null);
  const fields = spec.fields.map((f) => {
    const key = (columns[f.name] ?? f.name).replaceAll('\\', '\\\\').replaceAll('"', '\\"');
    return `json_extract_string(CASE WHEN _ok THEN _raw ELSE '{}' END, ${sqlString(`$."${key}"`)}) AS ${ident(f.name)}`;
  });
  await engine.query(
    `CREATE OR REPLACE TABLE src AS
     WITH l AS (SELECT row_number() OVER () AS _row, line AS _raw FROM ${LINES(path)}),
       o AS (SELECT _row, _raw, coalesce(json_valid(_raw) AND json_type(CASE WHEN json_valid(_raw) THEN _raw ELSE '0' END) = 'OBJECT', false) AS _ok
             FROM l WHERE _raw IS NOT NULL AND trim(_raw) <> '')
     SELECT _row, _raw, _ok, ${fields.join(', ')} FROM o`,
  );
}
