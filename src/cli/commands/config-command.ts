import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';

export function registerConfigCommand(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('Inspect the effective configuration');
  config
    .command('print')
    .description('Print the effective configuration (defaults < file < SHOPSTREAM_* env < flags) as JSON')
    .action(() => {
      ctx.stdout.write(JSON.stringify(ctx.config(), null, 2) + '\n');
    });
}
