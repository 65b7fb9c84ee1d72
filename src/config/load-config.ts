import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { type TObject, type TSchema } from '@sinclair/typebox';
import { ShopError } from '../errors/index.js';
import { ConfigSchema, type Config } from './schema.js';

export interface ConfigSources {
  /** Path of a JSON config file; undefined = none. */
  readonly file?: string;
  /** Environment variables; only `SHOPSTREAM_*` are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Highest precedence (command-line flags). */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

const ENV_PREFIX = 'SHOPSTREAM_';
/** Variables of the test harness and the dev scripts (`scripts/`), not configuration. */
const NOT_CONFIG_PREFIXES = ['SHOPSTREAM_TEST_', 'SHOPSTREAM_DEV_'];

/**
 * Builds the frozen configuration. Precedence: overrides > env > file > defaults.
 * Env names are `SHOPSTREAM_<SECTION>_<FIELD>` in upper snake case (`SHOPSTREAM_LOG_FSYNC_INTERVAL_MS`),
 * top-level fields `SHOPSTREAM_<FIELD>` (`SHOPSTREAM_DATA_DIR`). Unknown keys are rejected, except
 * `SHOPSTREAM_TEST_*` and `SHOPSTREAM_DEV_*`, which belong to the tests and the dev scripts.
 */
export function loadConfig(sources: ConfigSources = {}): Readonly<Config> {
  const merged: Record<string, unknown> = {};
  if (sources.file !== undefined) deepMerge(merged, readConfigFile(sources.file));
  deepMerge(merged, fromEnv(sources.env ?? {}));
  deepMerge(merged, sources.overrides ?? {});
  rejectUnknownKeys(ConfigSchema, merged, '');
  const withDefaults = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, merged));
  const errors = [...Value.Errors(ConfigSchema, withDefaults)];
  if (errors.length > 0) {
    const lines = errors.slice(0, 5).map((e) => `${e.path || '/'}: ${e.message}`);
    throw new ShopError('SHOP_CONFIG_INVALID', lines.join('; '), { details: { errors: lines } });
  }
  return deepFreeze(withDefaults as Config);
}

function readConfigFile(path: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (cause) {
    throw new ShopError('SHOP_CONFIG_FILE_UNREADABLE', `cannot read config file ${path}`, { cause });
  }
}

const toEnvName = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

function fromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const known = new Map<string, string[]>();
  for (const [key, schema] of Object.entries(ConfigSchema.properties)) {
    if (schema.type === 'object') {
      for (const field of Object.keys((schema as TObject).properties)) {
        known.set(ENV_PREFIX + toEnvName(key) + '_' + toEnvName(field), [key, field]);
      }
    } else known.set(ENV_PREFIX + toEnvName(key), [key]);
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    if (NOT_CONFIG_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    const path = known.get(name);
    if (path === undefined)
      throw new ShopError('SHOP_CONFIG_UNKNOWN_KEY', `unknown environment variable ${name}`);
    setPath(out, path, value);
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function rejectUnknownKeys(schema: TSchema, value: unknown, at: string): void {
  if (schema.type !== 'object' || value === null || typeof value !== 'object') return;
  const props = (schema as TObject).properties;
  for (const [key, child] of Object.entries(value)) {
    const childSchema = Object.hasOwn(props, key) ? props[key] : undefined;
    if (childSchema === undefined)
      throw new ShopError('SHOP_CONFIG_UNKNOWN_KEY', `unknown configuration key ${at}${key}`);
    rejectUnknownKeys(childSchema, child, `${at}${key}.`);
  }
}

function deepMerge(target: Record<string, unknown>, source: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(source)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const existing = target[key];
    if (isPlainObject(value) && isPlainObject(existing)) deepMerge(existing, value);
    else target[key] = isPlainObject(value) ? structuredClone(value) : value;
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
