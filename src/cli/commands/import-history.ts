import cliProgress from 'cli-progress';
import {
  ENTITY_SPECS,
  formatOf,
  readMappingFile,
  runImport,
  type EntityName,
  type ImportProgress,
  type ImportResult,
  type ImportSource,
} from '../../batch/import/index.js';
import { ShopError } from '../../errors/index.js';
import type { CliContext } from '../cli-context.js';
import { openStoreFromConfig } from '../open-components.js';

export interface HistoryFlags {
  format?: string;
  mapping?: string;
  from?: string;
  table?: string;
  query?: string;
  refChecks: boolean;
  json?: boolean;
}

function sourceOf(file: string | undefined, flags: HistoryFlags): ImportSource {
  if (flags.from !== undefined) {
    if (file !== undefined) throw new ShopError('SHOP_CLI_BAD_ARGUMENT', 'give a FILE or --from, not both');
    if (!/^postgres(ql)?:\/\//.test(flags.from))
      throw new ShopError('SHOP_CLI_BAD_ARGUMENT', '--from must be a postgres:// URL');
    return {
      kind: 'postgres',
      url: flags.from,
      ...(flags.table ? { table: flags.table } : {}),
      ...(flags.query ? { query: flags.query } : {}),
    };
  }
  if (file === undefined)
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', 'import <entity> needs a FILE or --from postgres://...');
  if (flags.table !== undefined || flags.query !== undefined)
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', '--table and --query go with --from');
  return { kind: 'file', path: file, format: formatOf(file, flags.format) };
}

function progressBar(ctx: CliContext): { tick: ImportProgress; stop: () => void } {
  if (!ctx.interactive) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: ctx.stderr as NodeJS.WriteStream, format: 'import {phase} [{bar}] {value}/{total} rows' },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    tick: (p) => {
      if (!started) bar.start(p.total, 0, { phase: p.phase });
      started = true;
      bar.setTotal(Math.max(p.total, p.done));
      bar.update(p.done, { phase: p.phase });
    },
    stop: () => started && bar.stop(),
  };
}

function summary(r: ImportResult): string {
  const reasons = Object.entries(r.reasons)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return (
    `imported ${r.entity} from ${r.source}: ${r.rowsRead} rows read, ${r.valid} valid ` +
    `(${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged), ${r.invalid} invalid ` +
    `(${r.quarantinedNew} newly quarantined${reasons ? `: ${reasons}` : ''})\n`
  );
}

/** `shopstream import customers|products|orders FILE | --from postgres://... --table T | --query Q`. */
export async function importHistory(
  ctx: CliContext,
  entity: EntityName,
  file: string | undefined,
  flags: HistoryFlags,
): Promise<void> {
  const source = sourceOf(file, flags);
  const mapping =
    flags.mapping === undefined ? undefined : await readMappingFile(flags.mapping, ENTITY_SPECS[entity]);
  const config = ctx.config();
  const store = await openStoreFromConfig(config);
  const bar = progressBar(ctx);
  try {
    const result = await runImport(
      { store, options: config.import, progress: bar.tick },
      { entity, source, ...(mapping ? { mapping } : {}), refChecks: flags.refChecks },
    );
    bar.stop();
    ctx.stdout.write(flags.json ? JSON.stringify(result) + '\n' : summary(result));
  } finally {
    bar.stop();
    await store.close();
  }
}
