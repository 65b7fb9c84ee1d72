import type { Command } from 'commander';
import { cliActor, recordAudit } from '../../audit/index.js';
import { ShopError } from '../../errors/index.js';
import { createRoleStatements } from '../../store/roles/apply-role-grants.js';
import type { CliContext } from '../cli-context.js';
import { openStoreFromConfig } from '../open-components.js';

/**
 * `shopstream db migrate|roles`: schema and database roles of the serving store (docs/deploy.md).
 * `migrate` applies missing migrations and the role grants whatever store.migrations says (run it
 * with the migration role, e.g. as a Kubernetes Job before the roles start); `roles` creates the
 * least-privilege group roles once (a superuser or CREATEROLE login), or prints their SQL.
 */
export function registerDbCommand(program: Command, ctx: CliContext): void {
  const db = program.command('db').description('Serving-database schema and roles');
  db.command('migrate')
    .description('Apply missing migrations and grant the shopstream_* roles their privileges')
    .action(async () => {
      const store = await openStoreFromConfig(ctx.config(), 'apply');
      try {
        await recordAudit(store, { ...cliActor(), action: 'db.migrate', outcome: 'ok' });
      } finally {
        await store.close();
      }
      ctx.stderr.write('serving database migrated\n');
    });
  db.command('roles')
    .description('Create the group roles shopstream_migrator|processor|api|worker (PostgreSQL only)')
    .option('--print', 'print the SQL instead of running it')
    .action(async (opts: { print?: boolean }) => {
      if (opts.print === true) {
        ctx.stdout.write(
          createRoleStatements()
            .map((s) => `${s};\n`)
            .join(''),
        );
        return;
      }
      const config = ctx.config();
      if (config.store.url === '')
        throw new ShopError(
          'SHOP_CLI_BAD_ARGUMENT',
          'db roles needs a PostgreSQL store (store.url); PGlite has one user',
        );
      // No migration here: the tables must be created (and owned) by the migration role.
      const store = await openStoreFromConfig(config, 'skip');
      try {
        for (const statement of createRoleStatements()) await store.query(statement);
      } finally {
        await store.close();
      }
      ctx.stderr.write(
        'roles shopstream_migrator, shopstream_processor, shopstream_api, shopstream_worker ready\n',
      );
    });
}
