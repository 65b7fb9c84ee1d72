import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { registerConfigCommand } from './commands/config-command.js';
import { registerDocsCommand } from './commands/docs-command.js';
import { registerProcessCommand } from './commands/process-command.js';
import { registerKpisCommand } from './commands/kpis-command.js';
import { registerStatusCommand } from './commands/status-command.js';
import { registerStartCommand } from './commands/start-command.js';
import { registerReplayCommand } from './commands/replay-command.js';
import { registerImportCommand } from './commands/import-command.js';
import { registerLogCommand } from './commands/log-command.js';
import { registerLakeCommand } from './commands/lake-command.js';
import { registerValidateCommand } from './commands/validate-command.js';
import { registerGenerateCommand } from './commands/generate-command.js';
import { registerDqCommand } from './commands/dq-command.js';
import { registerMartsCommand } from './commands/marts-command.js';
import { registerRunCommand } from './commands/run-command.js';
import { registerTopicsCommand } from './commands/topics-command.js';
import { registerKeysCommand } from './commands/keys-command.js';
import { registerBenchCommand } from './commands/bench-command.js';

/** Every command of the CLI, in help order. Each lives in `commands/<name>-command.ts`. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerConfigCommand(program, ctx);
  registerDocsCommand(program, ctx);
  registerProcessCommand(program, ctx);
  registerKpisCommand(program, ctx);
  registerStatusCommand(program, ctx);
  registerStartCommand(program, ctx);
  registerReplayCommand(program, ctx);
  registerLogCommand(program, ctx);
  registerLakeCommand(program, ctx);
  registerImportCommand(program, ctx);
  registerValidateCommand(program, ctx);
  registerGenerateCommand(program, ctx);
  registerDqCommand(program, ctx);
  registerMartsCommand(program, ctx);
  registerRunCommand(program, ctx);
  registerTopicsCommand(program, ctx);
  registerKeysCommand(program, ctx);
  registerBenchCommand(program, ctx);
}
