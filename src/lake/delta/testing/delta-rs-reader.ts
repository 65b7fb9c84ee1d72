import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The independent Delta reader of the lake tests: delta-rs (PyPI `deltalake`, pinned in
 * scripts/delta-reader/install.sh) opens a table and scans every row with its own engine
 * (scripts/delta-reader/read_table.py). Tests only; the product never runs Python.
 */

const run = promisify(execFile);
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** What delta-rs saw of a table (read_table.py's JSON line). */
export interface DeltaRsReading {
  readonly version: number;
  readonly rows: number;
  /** Live data files of the snapshot. */
  readonly files: number;
  /** Sum of the files' `numRecords` stats as delta-rs parsed them; null when a file has no stats. */
  readonly statsRows: number | null;
  readonly partitionColumns: readonly string[];
  /** Field name -> Delta type: a primitive's name (`long`, `timestamp`) or a complex type's JSON. */
  readonly schema: Readonly<Record<string, string>>;
  readonly sums: Readonly<Record<string, number>>;
  /** Column -> number of distinct non-null values. */
  readonly distinct: Readonly<Record<string, number>>;
  /** Column -> smallest / largest value scanned (timestamps and dates as ISO-8601 text). */
  readonly mins: Readonly<Record<string, string | number | null>>;
  readonly maxes: Readonly<Record<string, string | number | null>>;
  /** appId -> version (null: no transaction), for the appIds asked for. */
  readonly txns?: Readonly<Record<string, number | null>>;
  /** version -> rows scanned at it, for every version up to the one read (with `eachVersion`). */
  readonly versionRows?: Readonly<Record<string, number>>;
}

export interface DeltaRsReadOptions {
  /** Time travel: the table as of this version (default: the latest). */
  readonly version?: number;
  readonly sums?: readonly string[];
  readonly distinct?: readonly string[];
  readonly mins?: readonly string[];
  readonly maxes?: readonly string[];
  /** appIds whose application transaction version to look up. */
  readonly txns?: readonly string[];
  /** delta-rs storage options (S3: AWS_ENDPOINT_URL, AWS_REGION, AWS_ALLOW_HTTP, keys, ...). */
  readonly storageOptions?: Readonly<Record<string, string>>;
  /** Also open and scan every version from 0 up to the one read (`versionRows`). */
  readonly eachVersion?: boolean;
}

/** The checkout's scripts/delta-reader folder, searched upwards from this file. */
function scriptsDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'scripts', 'delta-reader');
    if (existsSync(join(candidate, 'install.sh'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The venv's python and the script, or why the reader cannot run. */
async function locate(): Promise<{ python: string; script: string } | { missing: string }> {
  const dir = scriptsDir();
  if (dir === undefined) return { missing: 'scripts/delta-reader/ not found above this file' };
  try {
    const { stdout } = await run('bash', [join(dir, 'install.sh'), 'python']);
    return { python: stdout.trim(), script: join(dir, 'read_table.py') };
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    return { missing: stderr || (err as Error).message };
  }
}

/** Whether delta-rs is installed (`bash scripts/delta-reader/install.sh`). */
export async function deltaRsAvailable(): Promise<boolean> {
  return 'python' in (await locate());
}

/**
 * For a test that needs delta-rs: true when it is installed; otherwise the test FAILS when env
 * `CI` is set (CI installs it, so a missing reader is a broken CI) and is skipped elsewhere.
 */
export async function requireDeltaRs(t: TestContext): Promise<boolean> {
  const found = await locate();
  if ('python' in found) return true;
  if (process.env['CI']) assert.fail(`CI must run the delta-rs reader: ${found.missing}`);
  t.skip(`delta-rs not installed (bash scripts/delta-reader/install.sh): ${found.missing}`);
  return false;
}

function argsOf(tableUri: string, options: DeltaRsReadOptions): string[] {
  const args = [tableUri];
  if (options.version !== undefined) args.push('--version', String(options.version));
  for (const col of options.sums ?? []) args.push('--sum', col);
  for (const col of options.distinct ?? []) args.push('--count-distinct', col);
  for (const col of options.mins ?? []) args.push('--min', col);
  for (const col of options.maxes ?? []) args.push('--max', col);
  for (const app of options.txns ?? []) args.push('--txn', app);
  if (options.eachVersion === true) args.push('--each-version');
  for (const [key, value] of Object.entries(options.storageOptions ?? {}))
    args.push('--storage-option', `${key}=${value}`);
  return args;
}

/** Opens `tableUri` (a local folder or `s3://bucket/prefix`) with delta-rs; throws with its message when it cannot. */
export async function readWithDeltaRs(
  tableUri: string,
  options: DeltaRsReadOptions = {},
): Promise<DeltaRsReading> {
  const found = await locate();
  if (!('python' in found)) {
    throw new Error(
      `delta-rs reader not installed (run bash scripts/delta-reader/install.sh): ${found.missing}`,
    );
  }
  let stdout: string;
  try {
    ({ stdout } = await run(found.python, [found.script, ...argsOf(tableUri, options)], {
      maxBuffer: MAX_OUTPUT_BYTES,
    }));
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`delta-rs cannot read ${tableUri}: ${stderr || (err as Error).message}`, { cause: err });
  }
  type Printed = Omit<DeltaRsReading, 'partitionColumns' | 'statsRows'> & {
    partition_columns: string[];
    stats_rows: number | null;
    version_rows?: Record<string, number>;
  };
  const printed = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Printed;
  const {
    partition_columns: partitionColumns,
    stats_rows: statsRows,
    version_rows: versionRows,
    ...rest
  } = printed;
  return { ...rest, partitionColumns, statsRows, ...(versionRows === undefined ? {} : { versionRows }) };
}
