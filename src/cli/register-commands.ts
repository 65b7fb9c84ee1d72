import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { registerConfigCommand } from './commands/config-command.js';
import { registerDocsCommand } from './commands/docs-command.js';

/** Every command of the CLI, in help order. Each lives in `commands/<name>-command.ts`. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerConfigCommand(program, ctx);
  registerDocsCommand(program, ctx);
}
