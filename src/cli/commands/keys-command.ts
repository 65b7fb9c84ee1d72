import type { Command } from 'commander';
import {
  addWriteKey,
  readWriteKeyFile,
  revokeWriteKey,
  writeKeyFilePath,
  writeWriteKeyFile,
} from '../../sources/collector/index.js';
import type { CliContext } from '../cli-context.js';

/**
 * `shopstream keys create|list|revoke`: collector write keys in `<dataDir>/keys.json`, stored as
 * sha256 digests. `create` prints the plain key once; a running collector picks changes up
 * within a second.
 */
export function registerKeysCommand(program: Command, ctx: CliContext): void {
  const keys = program
    .command('keys')
    .description('Collector write keys (stored hashed in <dataDir>/keys.json)');
  keys
    .command('create')
    .description('Create a write key for a source; prints the key once')
    .requiredOption(
      '--source <name>',
      "source the key is scoped to (becomes the events' `source`), e.g. shop-web",
    )
    .option('--json', 'print {id, source, key} as JSON')
    .action(async (opts: { source: string; json?: boolean }) => {
      const path = writeKeyFilePath(ctx.config());
      const created = addWriteKey(await readWriteKeyFile(path), opts.source, Date.now());
      await writeWriteKeyFile(path, created.content);
      const { id, source } = created.record;
      ctx.stdout.write(
        opts.json ? JSON.stringify({ id, source, key: created.key }) + '\n' : `${created.key}\n`,
      );
      if (!opts.json)
        ctx.stderr.write(`write key ${id} for source ${source} created; it is shown only this once\n`);
    });
  keys
    .command('list')
    .description('List write keys (ids, sources, dates; never the keys)')
    .option('--json', 'print JSON lines')
    .action(async (opts: { json?: boolean }) => {
      const { keys: records } = await readWriteKeyFile(writeKeyFilePath(ctx.config()));
      for (const k of records) {
        const row = { id: k.id, source: k.source, createdAt: k.createdAt, revokedAt: k.revokedAt };
        ctx.stdout.write(
          opts.json
            ? JSON.stringify(row) + '\n'
            : `${k.id}\t${k.source}\t${k.createdAt}\t${k.revokedAt === null ? 'active' : `revoked ${k.revokedAt}`}\n`,
        );
      }
    });
  keys
    .command('revoke <id>')
    .description('Revoke a write key by id (takes effect in running collectors within a second)')
    .action(async (id: string) => {
      const path = writeKeyFilePath(ctx.config());
      await writeWriteKeyFile(path, revokeWriteKey(await readWriteKeyFile(path), id, Date.now()));
      ctx.stderr.write(`write key ${id} revoked\n`);
    });
}
