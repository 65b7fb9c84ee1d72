import type { Command } from 'commander';
import { readAudit } from '../../audit/index.js';
import { ShopError } from '../../errors/index.js';
import type { CliContext } from '../cli-context.js';
import { openStoreFromConfig } from '../open-components.js';

/** `shopstream audit list`: the audit log of admin actions, newest first (read-only). */
export function registerAuditCommand(program: Command, ctx: CliContext): void {
  program
    .command('audit')
    .description('The audit log of admin actions (append-only)')
    .command('list')
    .description('Entries, newest first')
    .option('--since <time>', 'ISO-8601 time: only entries at or after it')
    .option('--action <action>', 'only this action, e.g. key.create, alert.acknowledge, access.denied')
    .option('--actor <actor>', 'only this actor, e.g. key:3f2a9c, cli:alice')
    .option('--limit <n>', 'most entries', '100')
    .option('--json', 'print JSON lines')
    .action(
      async (opts: { since?: string; action?: string; actor?: string; limit: string; json?: boolean }) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `--limit must be >= 1, got ${opts.limit}`);
        const fromMs = opts.since === undefined ? undefined : Date.parse(opts.since);
        if (fromMs !== undefined && !Number.isFinite(fromMs))
          throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `--since is not an ISO-8601 time: ${opts.since}`);
        const store = await openStoreFromConfig(ctx.config());
        try {
          for (const e of await readAudit(store, { fromMs, action: opts.action, actor: opts.actor, limit })) {
            ctx.stdout.write(
              opts.json === true
                ? JSON.stringify(e) + '\n'
                : `${e.at}\t${e.actor}\t${e.role}\t${e.action}\t${e.target ?? '-'}\t${e.source}\t${e.outcome}\n`,
            );
          }
        } finally {
          await store.close();
        }
      },
    );
}
