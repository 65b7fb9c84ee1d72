import { randomBytes } from 'node:crypto';
import { ShopError } from '../../errors/index.js';
import type { SqlExecutor } from '../../store/serving-store.js';
import { sha256Hex, type ApiRole, type KeyIdentity } from './api-keys.js';

/**
 * API keys managed at run time in serving.api_keys (API `/api/v1/admin/keys`, CLI `api-keys`):
 * stored as sha256 digests; the plain key is returned once, at creation. A key is valid while it
 * is neither revoked nor past its `expires_at` (database rows, checked against the caller's clock).
 * Rotation creates a successor with the same name and role and lets the old key expire after a
 * grace period, so clients can switch without an outage.
 */
export interface ManagedKey {
  readonly id: string;
  readonly name: string;
  readonly role: ApiRole;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly rotatedFrom: string | null;
}

export interface CreatedKey {
  readonly key: string;
  readonly record: ManagedKey;
}

const iso = (col: string) =>
  `CASE WHEN ${col} IS NULL THEN NULL ELSE to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END`;
const SELECT_KEY = `SELECT id, name, role, ${iso('created_at')} AS "createdAt", created_by AS "createdBy",
  ${iso('expires_at')} AS "expiresAt", ${iso('revoked_at')} AS "revokedAt", rotated_from AS "rotatedFrom"
  FROM serving.api_keys`;

export interface CreateKeyRequest {
  readonly name: string;
  readonly role: ApiRole;
  /** undefined = never expires. */
  readonly expiresAtMs?: number | undefined;
  readonly createdBy: string;
  readonly rotatedFrom?: string;
}

export async function createManagedKey(
  db: SqlExecutor,
  req: CreateKeyRequest,
  nowMs: number,
): Promise<CreatedKey> {
  const id = randomBytes(6).toString('hex');
  const key = `sk_${randomBytes(24).toString('base64url')}`;
  const rows = await db.query<ManagedKey>(
    `INSERT INTO serving.api_keys (id, name, role, digest, created_at, created_by, expires_at, rotated_from)
     VALUES ($1, $2, $3, $4, $5::timestamptz, $6, $7::timestamptz, $8)
     RETURNING id, name, role, ${iso('created_at')} AS "createdAt", created_by AS "createdBy",
       ${iso('expires_at')} AS "expiresAt", ${iso('revoked_at')} AS "revokedAt", rotated_from AS "rotatedFrom"`,
    [
      id,
      req.name,
      req.role,
      sha256Hex(key),
      new Date(nowMs).toISOString(),
      req.createdBy,
      req.expiresAtMs === undefined ? null : new Date(req.expiresAtMs).toISOString(),
      req.rotatedFrom ?? null,
    ],
  );
  return { key, record: rows[0]! };
}

export async function listManagedKeys(db: SqlExecutor): Promise<ManagedKey[]> {
  return db.query<ManagedKey>(`${SELECT_KEY} ORDER BY created_at, id`);
}

/** Revokes a key now (idempotent: a revoked key keeps its first revocation time). */
export async function revokeManagedKey(db: SqlExecutor, id: string, nowMs: number): Promise<ManagedKey> {
  await db.query(
    `UPDATE serving.api_keys SET revoked_at = $2::timestamptz WHERE id = $1 AND revoked_at IS NULL`,
    [id, new Date(nowMs).toISOString()],
  );
  return keyById(db, id);
}

/**
 * A successor of key `id` (same name, role and lifetime length when it had one); the old key now
 * expires after `graceMs` (or keeps an earlier expiry). Refused for a revoked or expired key.
 */
export async function rotateManagedKey(
  db: SqlExecutor,
  id: string,
  o: { graceMs: number; by: string; nowMs: number },
): Promise<CreatedKey> {
  const old = await keyById(db, id);
  const oldExpiry = old.expiresAt === null ? undefined : Date.parse(old.expiresAt);
  if (old.revokedAt !== null || (oldExpiry !== undefined && oldExpiry <= o.nowMs))
    throw new ShopError('SHOP_API_BAD_REQUEST', `key ${id} is revoked or expired; create a new one`);
  const lifetimeMs = oldExpiry === undefined ? undefined : oldExpiry - Date.parse(old.createdAt);
  const created = await createManagedKey(
    db,
    {
      name: old.name,
      role: old.role,
      expiresAtMs: lifetimeMs === undefined ? undefined : o.nowMs + lifetimeMs,
      createdBy: o.by,
      rotatedFrom: id,
    },
    o.nowMs,
  );
  const graceEnd = o.nowMs + o.graceMs;
  await db.query(`UPDATE serving.api_keys SET expires_at = $2::timestamptz WHERE id = $1`, [
    id,
    new Date(oldExpiry === undefined ? graceEnd : Math.min(oldExpiry, graceEnd)).toISOString(),
  ]);
  return created;
}

async function keyById(db: SqlExecutor, id: string): Promise<ManagedKey> {
  const rows = await db.query<ManagedKey>(`${SELECT_KEY} WHERE id = $1`, [id]);
  if (rows[0] === undefined) throw new ShopError('SHOP_API_NOT_FOUND', `no API key ${id}`);
  return rows[0];
}

interface ValidKey {
  readonly id: string;
  readonly role: ApiRole;
  readonly expiresAtMs: number | null;
}

/**
 * The lookup side, for every request: a snapshot of the valid (unrevoked) keys, refreshed at most
 * every `refreshMs`, so a revocation elsewhere takes effect within it; `invalidate()` after a
 * change made by this process. Expiry is checked per request against `nowMs`.
 */
export class ManagedApiKeys {
  private snapshot = new Map<string, ValidKey>();
  private loadedAtMs = -Infinity;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: SqlExecutor,
    private readonly refreshMs: number,
  ) {}

  async identityOf(digest: string, nowMs: number): Promise<KeyIdentity | undefined> {
    if (nowMs - this.loadedAtMs >= this.refreshMs) await this.refresh(nowMs);
    const k = this.snapshot.get(digest);
    if (k === undefined || (k.expiresAtMs !== null && k.expiresAtMs <= nowMs)) return undefined;
    return { role: k.role, actor: `key:${k.id}` };
  }

  invalidate(): void {
    this.loadedAtMs = -Infinity;
  }

  private refresh(nowMs: number): Promise<void> {
    this.loading ??= this.db
      .query<{ id: string; role: ApiRole; digest: string; expires_ms: number | null }>(
        `SELECT id, role, digest, (extract(epoch FROM expires_at) * 1000)::float8 AS expires_ms
           FROM serving.api_keys WHERE revoked_at IS NULL`,
      )
      .then((rows) => {
        this.snapshot = new Map(
          rows.map((r) => [
            r.digest,
            { id: r.id, role: r.role, expiresAtMs: r.expires_ms === null ? null : Number(r.expires_ms) },
          ]),
        );
        this.loadedAtMs = nowMs;
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }
}
