import pg from 'pg';

type TextParser = (value: string) => unknown;

/** The driver's built-in parser of a type oid (array oids included). */
const builtin = pg.types.getTypeParser as (oid: number, format: 'text' | 'binary') => TextParser;

const toNumber: TextParser = (value) => Number(value);
const keepText: TextParser = (value) => value;

/** Parsers of the `pg` driver aligned with the port's type contract (see serving-store.ts). */
const OVERRIDES: Record<number, TextParser> = {
  20: toNumber, // int8
  1700: toNumber, // numeric
  1082: keepText, // date stays 'YYYY-MM-DD'
  1016: numericArray(1016), // int8[]
  1231: numericArray(1231), // numeric[]
  1182: builtin(1009, 'text'), // date[] parsed as text[]: elements stay strings
};

function numericArray(oid: number): TextParser {
  const base = builtin(oid, 'text');
  return (value) => mapDeep(base(value), (x) => Number(x));
}

function mapDeep(value: unknown, fn: (x: string) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => mapDeep(v, fn));
  return typeof value === 'string' ? fn(value) : value;
}

/** Per-pool type configuration (never the driver's global parsers: other pools keep theirs). */
export const PG_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): TextParser {
    const override = format === 'binary' ? undefined : OVERRIDES[oid];
    return override ?? builtin(oid, format ?? 'text');
  },
};
