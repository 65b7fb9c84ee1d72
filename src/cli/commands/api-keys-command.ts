import type { Command } from 'commander';
import { API_ROLES, type ApiRole } from '../../api/access/api-keys.js';
import {
  createManagedKey,
  listManagedKeys,
  revokeManagedKey,
  rotateManagedKey,
} from '../../api/access/managed-api-keys.js';
import { audited, cliActor } from '../../audit/index.js';
import { ShopError } from '../../errors/index.js';
import type { ServingStore } from '../../store/index.js';
import type { CliContext } from '../cli-context.js';
import { openStoreFromConfig } from '../open-components.js';

const DAY_MS = 86_400_000;

/**
 * `shopstream api-keys create|list|revoke|rotate`: API keys in serving.api_keys (roles viewer,
 * analyst, operator, admin; expiry; rotation with a grace period). Running APIs see a change within
 * a second. Every change is audited as the OS user (`cli:<user>`). Collector write keys are
 * `shopstream keys`.
 */
export function registerApiKeysCommand(program: Command, ctx: CliContext): void {
  const keys = program.command('api-keys').description('API keys with roles and expiry (serving.api_keys)');
  keys
    .command('create')
    .description('Create an API key; prints the key once')
    .requiredOption('--name <name>', 'who or what holds the key, e.g. grafana')
    .requiredOption('--role <role>', API_ROLES.join('|'))
    .option('--expires-in-days <days>', 'expire after this many days (default: never)')
    .option('--json', 'print {key, record} as JSON')
    .action(async (opts: { name: string; role: string; expiresInDays?: string; json?: boolean }) => {
      const role = roleOf(opts.role);
      const days =
        opts.expiresInDays === undefined ? undefined : positive('--expires-in-days', opts.expiresInDays);
      const nowMs = Date.now();
      const created = await withStore(ctx, (store) =>
        audited(store, { ...cliActor(), action: 'key.create', target: opts.name, details: { role } }, () =>
          createManagedKey(
            store,
            {
              name: opts.name,
              role,
              expiresAtMs: days === undefined ? undefined : nowMs + days * DAY_MS,
              createdBy: cliActor().actor,
            },
            nowMs,
          ),
        ),
      );
      ctx.stdout.write(opts.json === true ? JSON.stringify(created) + '\n' : `${created.key}\n`);
      if (opts.json !== true)
        ctx.stderr.write(`API key ${created.record.id} (${role}) created; it is shown only this once\n`);
    });
  keys
    .command('list')
    .description('List API keys (ids, names, roles, dates; never the keys)')
    .option('--json', 'print JSON lines')
    .action(async (opts: { json?: boolean }) => {
      for (const k of await withStore(ctx, listManagedKeys)) {
        const state =
          k.revokedAt !== null
            ? `revoked ${k.revokedAt}`
            : k.expiresAt !== null
              ? `expires ${k.expiresAt}`
              : 'active';
        ctx.stdout.write(
          opts.json === true
            ? JSON.stringify(k) + '\n'
            : `${k.id}\t${k.name}\t${k.role}\t${k.createdAt}\t${state}\n`,
        );
      }
    });
  keys
    .command('revoke <id>')
    .description('Revoke an API key at once')
    .action(async (id: string) => {
      await withStore(ctx, (store) =>
        audited(store, { ...cliActor(), action: 'key.revoke', target: id }, () =>
          revokeManagedKey(store, id, Date.now()),
        ),
      );
      ctx.stderr.write(`API key ${id} revoked\n`);
    });
  keys
    .command('rotate <id>')
    .description('Create a successor key; the old one expires after api.keyRotationGraceMs')
    .option('--json', 'print {key, record} as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const o = { graceMs: ctx.config().api.keyRotationGraceMs, by: cliActor().actor, nowMs: Date.now() };
      const created = await withStore(ctx, (store) =>
        audited(store, { ...cliActor(), action: 'key.rotate', target: id }, () =>
          rotateManagedKey(store, id, o),
        ),
      );
      ctx.stdout.write(opts.json === true ? JSON.stringify(created) + '\n' : `${created.key}\n`);
    });
}

async function withStore<T>(ctx: CliContext, body: (store: ServingStore) => Promise<T>): Promise<T> {
  const store = await openStoreFromConfig(ctx.config());
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

function roleOf(value: string): ApiRole {
  const role = API_ROLES.find((r) => r === value);
  if (role === undefined)
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `--role must be one of ${API_ROLES.join(', ')}`);
  return role;
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `${flag} must be a number > 0, got ${value}`);
  return n;
}
