import { ShopError } from '../../errors/index.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import type { DeltaTable } from './delta-table.js';

const HOUR_MS = 3_600_000;
const PIN_PREFIX = '_pins/';

/** A reader's pin: it reads `table` at `version` until `expiresMs` (replay, reconciliation, time travel). */
export interface LakePin {
  readonly id: string;
  readonly table: string;
  readonly version: number;
  readonly expiresMs: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Records a pin (`_pins/<id>.json` in the lake root); vacuum keeps every file the version needs. */
export async function pinVersion(storage: LakeStorage, pin: LakePin): Promise<void> {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(pin.id)) throw new Error(`bad pin id ${pin.id}`);
  await storage.write(`${PIN_PREFIX}${pin.id}.json`, encoder.encode(JSON.stringify(pin)));
}

export async function unpinVersion(storage: LakeStorage, id: string): Promise<void> {
  await storage.delete([`${PIN_PREFIX}${id}.json`]);
}

/** The pins that have not expired. */
export async function activePins(storage: LakeStorage, nowMs: number): Promise<LakePin[]> {
  const pins: LakePin[] = [];
  for (const o of await storage.list(PIN_PREFIX)) {
    const bytes = await storage.read(o.key);
    if (bytes === null) continue;
    try {
      const pin = JSON.parse(decoder.decode(bytes)) as LakePin;
      if (pin.expiresMs > nowMs) pins.push(pin);
    } catch {
      // A torn pin file pins nothing; it is overwritten or removed by its owner.
    }
  }
  return pins;
}

/** SHOP_LAKE_VACUUM_REFUSED for a retention under 1 hour (or not a number). */
function refuseShortRetention(table: string, retainHours: number, what: string): void {
  if (retainHours >= 1) return;
  throw new ShopError('SHOP_LAKE_VACUUM_REFUSED', `${what} of at least 1 hour (asked ${retainHours})`, {
    details: { table, retainHours },
  });
}

export interface VacuumOptions {
  readonly retainHours: number;
  readonly nowMs?: number;
  /** List what would be deleted without deleting. */
  readonly dryRun?: boolean;
}

export interface VacuumResult {
  readonly table: string;
  readonly version: number;
  /** Data files deleted (or that would be, with dryRun). */
  readonly deleted: number;
  readonly deletedBytes: number;
  /** Files not in the latest version, kept because they are younger than the retention. */
  readonly retained: number;
}

/**
 * Deletes the data files of a table that its latest version does not reference (removed by
 * optimize or a rollback, or written by a writer that crashed before its commit) once they have
 * been unreferenced for `retainHours` (removed files: since their `remove`; others: since their
 * last modification). Never touches `_delta_log/`. Refused (SHOP_LAKE_VACUUM_REFUSED) with
 * less than 1 hour (a flush writes its files before it commits them) or when a pinned reader's
 * version is older than the retention: its files could be deleted under it.
 */
export async function vacuumTable(
  delta: DeltaTable,
  table: string,
  options: VacuumOptions,
): Promise<VacuumResult> {
  const nowMs = options.nowMs ?? Date.now();
  refuseShortRetention(table, options.retainHours, 'vacuum needs --retain-hours');
  const cutoffMs = nowMs - options.retainHours * HOUR_MS;
  for (const pin of await activePins(delta.storage, nowMs)) {
    if (pin.table !== table) continue;
    const pinnedAt = await delta.timestampOf(pin.version);
    if (pinnedAt < cutoffMs) {
      throw new ShopError(
        'SHOP_LAKE_VACUUM_REFUSED',
        `${table}: the reader ${pin.id} pins version ${pin.version} (${new Date(pinnedAt).toISOString()}), older than the retention of ${options.retainHours} h`,
        { details: { table, pin: pin.id, version: pin.version, retainHours: options.retainHours } },
      );
    }
  }
  const snap = await delta.require();
  const live = new Set([...snap.files.keys()].map((p) => delta.dataKey(p)));
  // A removed file counts from its removal (a reader of the version before may still read it),
  // any other unreferenced file from its last modification.
  const removedAt = new Map(
    [...snap.tombstones.values()].map((r) => [delta.dataKey(r.path), r.deletionTimestamp]),
  );
  const doomed: string[] = [];
  let deletedBytes = 0;
  let retained = 0;
  const prefix = `${delta.root}/`;
  for (const o of await delta.storage.list(prefix)) {
    if (o.key.startsWith(`${prefix}_delta_log/`) || live.has(o.key)) continue;
    if ((removedAt.get(o.key) ?? o.modifiedMs) >= cutoffMs) {
      retained += 1;
      continue;
    }
    doomed.push(o.key);
    deletedBytes += o.size;
  }
  if (options.dryRun !== true && doomed.length > 0) await delta.storage.delete(doomed);
  return { table, version: snap.version, deleted: doomed.length, deletedBytes, retained };
}

export interface LogCleanupOptions {
  /** Commits older than this many hours may go (Delta's `logRetentionDuration`, default 30 days). */
  readonly retainHours: number;
  readonly nowMs?: number;
  readonly dryRun?: boolean;
}

export interface LogCleanupResult {
  readonly table: string;
  /** The oldest version the log can rebuild afterwards (time travel reaches back to it). */
  readonly earliestVersion: number;
  /** Commit and checkpoint files deleted (or that would be, with dryRun). */
  readonly logFilesDeleted: number;
}

const LOG_FILE = /_delta_log\/(\d{20})\.(json|checkpoint\.parquet)$/;

/**
 * Delta's expired log cleanup: picks the newest checkpoint committed before the retention (and at
 * or before every pinned reader's version) and deletes the commit and checkpoint files of the
 * versions before it, so the log does not grow without end. Every version from that checkpoint on
 * stays readable (the checkpoint holds the whole state, its own commit file is kept for its
 * timestamp); older ones answer SHOP_LAKE_VERSION_NOT_FOUND. The latest state never depends on a
 * deleted file: `_last_checkpoint` points at that checkpoint or a newer one. Nothing happens
 * without a checkpoint old enough.
 */
export async function truncateLog(
  delta: DeltaTable,
  table: string,
  options: LogCleanupOptions,
): Promise<LogCleanupResult> {
  const nowMs = options.nowMs ?? Date.now();
  refuseShortRetention(table, options.retainHours, 'log cleanup needs a retention');
  const cutoffMs = nowMs - options.retainHours * HOUR_MS;
  const latest = await delta.require();
  let bound = latest.version;
  for (const pin of await activePins(delta.storage, nowMs))
    if (pin.table === table) bound = Math.min(bound, pin.version);
  const checkpoints = (await delta.checkpointVersions()).filter((v) => v <= bound);
  // Commit timestamps only increase with the version: the newest old-enough checkpoint by bisection.
  let lo = 0;
  let hi = checkpoints.length - 1;
  let keepFrom: number | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = checkpoints[mid]!;
    if ((await delta.timestampOf(v)) <= cutoffMs) {
      keepFrom = v;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (keepFrom === null || keepFrom === 0)
    return { table, earliestVersion: await delta.earliestVersion(), logFilesDeleted: 0 };
  const doomed: string[] = [];
  for (const o of await delta.storage.list(`${delta.root}/_delta_log/`)) {
    const m = LOG_FILE.exec(o.key);
    if (m !== null && Number(m[1]) < keepFrom) doomed.push(o.key);
  }
  // A crash part-way leaves some of them (the next pass deletes the rest): reading one of those
  // versions meanwhile fails with SHOP_LAKE_VERSION_NOT_FOUND, as after the cleanup.
  if (options.dryRun !== true && doomed.length > 0) await delta.storage.delete(doomed);
  return { table, earliestVersion: keepFrom, logFilesDeleted: doomed.length };
}
