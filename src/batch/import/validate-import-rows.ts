import type { EntitySpec, ImportField } from './import-entities.js';
import type { ImportEngine } from './import-engine.js';
import type { ImportMapping } from './import-mapping.js';

const sqlString = (v: string): string => `'${v.replaceAll("'", "''")}'`;
const ident = (v: string): string => `"${v.replaceAll('"', '""')}"`;

export interface ValidationOptions {
  readonly mapping: ImportMapping;
  readonly maxValueChars: number;
  /** orders: unknown_customer / unknown_product against the tables `known_customers` / `known_products`. */
  readonly checkCustomers: boolean;
  readonly checkProducts: boolean;
}

/** The typed value of a field and the reason it is invalid (NULL when valid). */
function fieldSql(f: ImportField, o: ValidationOptions): { value: string; reason: string } {
  const fallback = o.mapping.defaults[f.name] ?? f.default;
  const raw = `nullif(trim(${ident(f.name)}), '')`;
  const v = fallback === undefined ? raw : `coalesce(${raw}, ${sqlString(fallback)})`;
  const missing = f.required ? `WHEN ${v} IS NULL THEN 'missing_${f.name}'` : '';
  const min = f.min === undefined ? 'false' : `%v < ${f.min}`;
  let value: string;
  switch (f.type) {
    case 'text':
      return {
        value: v,
        reason: `CASE ${missing} WHEN length(${v}) > ${o.maxValueChars} THEN 'value_too_long' END`,
      };
    case 'timestamp':
      value =
        o.mapping.timeFormat === null
          ? `CAST(TRY_CAST(${v} AS TIMESTAMPTZ) AS TIMESTAMP)`
          : `try_strptime(${v}, ${sqlString(o.mapping.timeFormat)})`;
      break;
    case 'integer':
      value = `CASE WHEN regexp_full_match(${v}, '\\s*[-+]?[0-9]{1,9}\\s*') THEN CAST(${v} AS INTEGER) END`;
      break;
    case 'money':
      value = `TRY_CAST(${v} AS DECIMAL(18,6))`;
      break;
  }
  const bad = `WHEN ${v} IS NOT NULL AND (${value} IS NULL OR ${min.replace('%v', value)}) THEN 'bad_${f.name}'`;
  return { value, reason: `CASE ${missing} ${bad} END` };
}

/** orders: line_key, unit_price and gross_revenue derived from line_id/product_id, price/amount, quantity. */
const ORDER_DERIVED = `, coalesce(line_id, product_id, '') AS line_key,
  CAST(coalesce(price, amount / quantity) AS DECIMAL(18,6)) AS unit_price,
  CAST(coalesce(amount, price * quantity) AS DECIMAL(18,6)) AS gross_revenue`;

/**
 * Builds table `checked` from `src`: the typed fields, the derived ones, and `reasons` (comma-
 * joined, '' when valid) in this order: not_json | per field missing_<f> / bad_<f> / value_too_long,
 * missing_price (orders without price and amount), duplicate_key (a later row with the key of an
 * earlier valid one), unknown_customer, unknown_product. Then appends the rejected CSV lines.
 */
export async function validateImportRows(
  engine: ImportEngine,
  spec: EntitySpec,
  o: ValidationOptions,
): Promise<void> {
  const fields = spec.fields.map((f) => ({ f, ...fieldSql(f, o) }));
  const orders = spec.name === 'orders';
  const reasons = [
    ...fields.map((x) => x.reason),
    ...(orders ? [`CASE WHEN price IS NULL AND amount IS NULL THEN 'missing_price' END`] : []),
  ];
  await engine.query(
    `CREATE OR REPLACE TABLE typed AS
     SELECT _row, _raw, _ok, ${fields.map((x) => `${x.value} AS ${ident(x.f.name)}`).join(', ')},
       ${fields.map((x, i) => `${x.reason} AS _r${i}`).join(', ')}
     FROM src`,
  );
  const base = `CASE WHEN NOT _ok THEN ['not_json'] ELSE list_filter([${reasons.map((r, i) => (i < fields.length ? `_r${i}` : r)).join(', ')}], x -> x IS NOT NULL) END`;
  const keys = spec.key.map(ident).join(', ');
  const refs = [
    orders && o.checkCustomers
      ? `CASE WHEN customer_id IS NOT NULL AND customer_id NOT IN (SELECT id FROM known_customers) THEN 'unknown_customer' END`
      : 'NULL',
    orders && o.checkProducts
      ? `CASE WHEN product_id IS NOT NULL AND product_id NOT IN (SELECT id FROM known_products) THEN 'unknown_product' END`
      : 'NULL',
  ];
  await engine.query(
    `CREATE OR REPLACE TABLE checked AS
     WITH d AS (SELECT * EXCLUDE (${fields.map((_, i) => `_r${i}`).join(', ')})${orders ? ORDER_DERIVED : ''}, ${base} AS _base FROM typed),
       k AS (SELECT *, CASE WHEN len(_base) = 0 THEN row_number() OVER (PARTITION BY len(_base) = 0, ${keys} ORDER BY _row) END AS _dup FROM d)
     SELECT * EXCLUDE (_base, _dup, _ok),
       array_to_string(list_filter(_base || [CASE WHEN _dup > 1 THEN 'duplicate_key' END, ${refs.join(', ')}], x -> x IS NOT NULL), ',') AS reasons
     FROM k`,
  );
  await engine.query(`INSERT INTO checked (_row, _raw, reasons) SELECT _row, _raw, reason FROM rejected`);
}
