import { createHash } from 'node:crypto';

/** API roles, each allowed everything the previous ones are (viewer < analyst < operator < admin). */
export const API_ROLES = ['viewer', 'analyst', 'operator', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];
/** Who the caller is: a role from a valid key, or anonymous. */
export type Caller = ApiRole | 'anonymous';

/** True when `caller` has at least `required`'s rights. */
export function hasRole(caller: Caller, required: ApiRole): boolean {
  return caller !== 'anonymous' && API_ROLES.indexOf(caller) >= API_ROLES.indexOf(required);
}

/** A recognised key: its role and the audit name of its holder (`config:<role>:<digest prefix>`, `key:<id>`). */
export interface KeyIdentity {
  readonly role: ApiRole;
  readonly actor: string;
}

/**
 * The API keys of the configuration (api.adminKeys, operatorKeys, analystKeys, viewerKeys), held
 * only as sha256 hex digests. A configured key is either `sha256:<hex>` (the digest itself, so the
 * plain key never sits in a config file) or a plain value hashed here at load. Keys managed at run
 * time (serving.api_keys, with expiry and rotation) are looked up by `ManagedApiKeys`.
 */
export class ApiKeyStore {
  private readonly roles = new Map<string, ApiRole>();

  constructor(keys: { adminKeys: string; viewerKeys: string; analystKeys?: string; operatorKeys?: string }) {
    const lists: Record<ApiRole, string> = {
      viewer: keys.viewerKeys,
      analyst: keys.analystKeys ?? '',
      operator: keys.operatorKeys ?? '',
      admin: keys.adminKeys,
    };
    for (const role of API_ROLES)
      for (const digest of parseKeyList(lists[role])) this.roles.set(digest, role);
  }

  /** The identity of a key digest, or undefined when the configuration does not name it. */
  identityOf(digest: string): KeyIdentity | undefined {
    const role = this.roles.get(digest);
    return role === undefined ? undefined : { role, actor: `config:${role}:${digest.slice(0, 8)}` };
  }

  get size(): number {
    return this.roles.size;
  }
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

const DIGEST = /^sha256:([0-9a-f]{64})$/i;

function parseKeyList(list: string): string[] {
  return list
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0)
    .map((k) => DIGEST.exec(k)?.[1]?.toLowerCase() ?? sha256Hex(k));
}

/** The key a request presents: `x-api-key: <key>` or `authorization: Bearer <key>`. */
export function presentedKey(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  const direct = headers['x-api-key'];
  if (typeof direct === 'string' && direct.length > 0) return direct;
  const auth = headers['authorization'];
  if (typeof auth !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(auth);
  return match?.[1];
}
