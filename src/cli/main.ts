#!/usr/bin/env node
import { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import { isShopError } from '../errors/index.js';
import type { CliContext } from './cli-context.js';
import { registerCommands } from './register-commands.js';

/** Entry point of the `shopstream` command. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('shopstream')
    .description('Real-time e-commerce analytics: events -> log -> lakehouse -> exactly-once KPIs')
    .option('--config <file>', 'JSON configuration file')
    .option('--data-dir <dir>', 'data folder (default ./data)')
    .showHelpAfterError()
    // Global options come before the command, so a command's options (e.g. `kpis --metric` and
    // `kpis explain --metric`) belong to the command they follow.
    .enablePositionalOptions()
    .exitOverride();
  let cached: Readonly<Config> | undefined;
  const ctx: CliContext = {
    config: () => {
      if (cached) return cached;
      const opts = program.opts<{ config?: string; dataDir?: string }>();
      cached = loadConfig({
        file: opts.config,
        env: process.env,
        overrides: opts.dataDir === undefined ? {} : { dataDir: opts.dataDir },
      });
      return cached;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    interactive: process.stderr.isTTY === true,
  };
  registerCommands(program, ctx);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportFailure(err, ctx);
  }
}

function reportFailure(err: unknown, ctx: CliContext): number {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('commander.')) {
    return code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2;
  }
  if (isShopError(err)) {
    ctx.stderr.write(`error ${err.message}\n`);
    return err.code === 'SHOP_CLI_BAD_ARGUMENT' ? 2 : 1;
  }
  ctx.stderr.write(`error ${(err as Error).stack ?? String(err)}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (err: unknown) => {
    process.stderr.write(`fatal ${String(err)}\n`);
    process.exit(1);
  },
);
