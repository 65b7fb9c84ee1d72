import type { ParserOptions } from '@electric-sql/pglite';

/** PGlite's parsers, aligned with the port's type contract (see serving-store.ts). */
export const PGLITE_PARSERS: ParserOptions = {
  20: (value) => Number(value), // int8
  1700: (value) => Number(value), // numeric
  1082: (value) => value, // date stays 'YYYY-MM-DD'
};
