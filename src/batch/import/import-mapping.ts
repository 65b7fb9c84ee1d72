import { readFile, stat } from 'node:fs/promises';
import { ShopError } from '../../errors/index.js';
import type { EntitySpec } from './import-entities.js';

/**
 * How source columns become an entity's fields. The default maps every field to the source column
 * of the same name (case-insensitive). A mapping file (JSON, at most 64 KiB) overrides it:
 *   { "columns":  { "<field>": "<source column>", ... },
 *     "defaults": { "<field>": "<value used when the column is absent or empty>", ... },
 *     "timeFormat": "<strptime format of timestamp fields, e.g. %Y%m%d>" }
 * Every key is optional; an unknown field or key is SHOP_IMPORT_BAD_MAPPING.
 */
export interface ImportMapping {
  /** field -> source column (explicit ones only; the rest defaults to the field's own name). */
  readonly columns: Readonly<Record<string, string>>;
  readonly defaults: Readonly<Record<string, string>>;
  /** null = ISO-8601 and whatever DuckDB casts to TIMESTAMPTZ. */
  readonly timeFormat: string | null;
}

export const DEFAULT_MAPPING: ImportMapping = { columns: {}, defaults: {}, timeFormat: null };
const MAX_MAPPING_BYTES = 64 * 1024;

const bad = (message: string, file: string): ShopError =>
  new ShopError('SHOP_IMPORT_BAD_MAPPING', `${file}: ${message}`, { details: { file } });

function stringMap(value: unknown, what: string, spec: EntitySpec, file: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad(`${what} must be an object`, file);
  const fields = new Set(spec.fields.map((f) => f.name));
  for (const [k, v] of Object.entries(value)) {
    if (!fields.has(k))
      throw bad(`${what}: ${spec.name} has no field '${k}' (fields: ${[...fields].join(', ')})`, file);
    if (typeof v !== 'string' || v.length > 1024)
      throw bad(`${what}.${k} must be a string of at most 1024 characters`, file);
  }
  return value as Record<string, string>;
}

/** Reads and checks a mapping file for `spec`. */
export async function readMappingFile(file: string, spec: EntitySpec): Promise<ImportMapping> {
  let parsed: unknown;
  try {
    if ((await stat(file)).size > MAX_MAPPING_BYTES)
      throw new Error(`larger than ${MAX_MAPPING_BYTES} bytes`);
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw bad((err as Error).message, file);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw bad('must be a JSON object', file);
  const { columns, defaults, timeFormat, ...rest } = parsed as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw bad(`unknown keys ${unknown.join(', ')} (known: columns, defaults, timeFormat)`, file);
  if (timeFormat !== undefined && (typeof timeFormat !== 'string' || timeFormat.length > 64))
    throw bad('timeFormat must be a strptime format string', file);
  return {
    columns: stringMap(columns, 'columns', spec, file),
    defaults: stringMap(defaults, 'defaults', spec, file),
    timeFormat: timeFormat ?? null,
  };
}

/**
 * The source column of each field, given the source's columns (null: unknown, e.g. NDJSON, where
 * each line names its own keys). An explicit column the source lacks is SHOP_IMPORT_BAD_MAPPING;
 * so is a required field without a column or default; an optional field without one reads as absent.
 */
export function resolveColumns(
  spec: EntitySpec,
  mapping: ImportMapping,
  sourceColumns: readonly string[] | null,
): Record<string, string | null> {
  const byLower = new Map((sourceColumns ?? []).map((c) => [c.toLowerCase(), c]));
  const out: Record<string, string | null> = {};
  for (const field of spec.fields) {
    const explicit = mapping.columns[field.name];
    if (sourceColumns === null) out[field.name] = explicit ?? field.name;
    else if (explicit !== undefined) {
      const found = sourceColumns.includes(explicit) ? explicit : byLower.get(explicit.toLowerCase());
      if (found === undefined)
        throw bad(
          `column '${explicit}' (for ${field.name}) is not in the source (columns: ${sourceColumns.join(', ')})`,
          'mapping',
        );
      out[field.name] = found;
    } else out[field.name] = byLower.get(field.name.toLowerCase()) ?? null;
    if (field.required && out[field.name] === null && mapping.defaults[field.name] === undefined)
      throw bad(
        `the source has no column for the required field ${field.name} (columns: ${(sourceColumns ?? []).join(', ')})`,
        'mapping',
      );
  }
  return out;
}
