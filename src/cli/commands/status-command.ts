import type { Command } from 'commander';
import { RAW_TOPIC } from '../../log/event-log.js';
import { readPipelineStatus, type PipelineStatus } from '../../pipeline/processor/pipeline-status.js';
import type { CliContext } from '../cli-context.js';
import { openEventLog } from '../open-event-log.js';
import { openStoreFromConfig } from '../open-components.js';

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(
      'Processor accounting per partition, positions, lag and freshness (now - newest committed event time)',
    )
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }) => {
      const config = ctx.config();
      const store = await openStoreFromConfig(config);
      const log = await openEventLog(config, { mode: 'read' });
      try {
        const status = await readPipelineStatus(store, log, RAW_TOPIC, Date.now());
        ctx.stdout.write(opts.json ? JSON.stringify(status, null, 2) + '\n' : renderStatus(status));
      } finally {
        await Promise.allSettled([store.close(), log.close()]);
      }
    });
}

function renderStatus(s: PipelineStatus): string {
  const head = [
    'partition',
    'read',
    'bronze',
    'silver',
    'quarantine',
    'duplicates',
    'late',
    'committed',
    'log end',
    'lag',
    'lake at',
  ];
  const rows = s.partitions.map((p) =>
    [
      p.partition,
      p.recordsRead,
      p.bronzeRows,
      p.silverRows,
      p.quarantineRows,
      p.duplicatesDropped,
      p.lateQuarantined,
      p.committedNextOffset,
      p.logNextOffset ?? '?',
      p.lag ?? '?',
      p.lakeNextOffset,
    ].map(String),
  );
  const t = s.totals;
  rows.push(
    [
      'total',
      t.recordsRead,
      t.bronzeRows,
      t.silverRows,
      t.quarantineRows,
      t.duplicatesDropped,
      t.lateQuarantined,
      '',
      '',
      t.lag ?? '?',
      '',
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ') + '\n';
  const reasons = Object.entries(t.reasonCounts)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r}=${n}`)
    .join(' ');
  return (
    `topic ${s.topic}\n` +
    line(head) +
    rows.map(line).join('') +
    `accounting invariant (read = bronze = silver + quarantine + duplicates): ${s.invariantHolds ? 'holds' : 'VIOLATED'}\n` +
    `lake: ${s.partitions.reduce((n, p) => n + p.lakeBehind, 0)} committed records wait for the next flush\n` +
    `freshness: ${s.freshnessMs === null ? 'n/a' : `${(s.freshnessMs / 1000).toFixed(1)} s`}  last commit: ${s.lastCommitAt ?? 'never'}\n` +
    `windows: ${s.windows.open} open, ${s.windows.final} final (newest final ${s.windows.newestFinal ?? 'none'})\n` +
    `quarantine reasons: ${reasons || 'none'}\n`
  );
}
