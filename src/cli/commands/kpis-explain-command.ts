import type { Command } from 'commander';
import { explainKpi, explainKpiMinute, type ExplainedKpi } from '../../api/queries/kpi-explain.js';
import { KPI_METRICS, type KpiMetric } from '../../contract/kpi-metrics.js';
import { ShopError } from '../../errors/index.js';
import type { CliContext } from '../cli-context.js';
import { withStoreAndReadLake } from '../open-components.js';

interface ExplainOptions {
  metric: string;
  windowStart: string;
  limit: string;
  offset: string;
  json?: boolean;
}

const METRICS = new Set<string>(KPI_METRICS);

/**
 * `shopstream kpis explain`: the answer of GET /api/v1/kpis/explain from the configured store and
 * lake, without an API server (docs/reconciliation.md).
 */
export function registerKpisExplainCommand(kpis: Command, ctx: CliContext): void {
  kpis
    .command('explain')
    .description(
      "Explain one minute's KPI: the value Gold committed, the formula with its inputs recomputed from Silver, the contributing events with their log partition/offset and lake file, and the log records left out with their reasons",
    )
    .requiredOption('--metric <name>', `one of ${KPI_METRICS.join(', ')}`)
    .requiredOption('--window-start <iso>', 'the minute, ISO-8601 UTC (seconds 00)')
    .option('--limit <n>', 'most events listed (1-1000)', '20')
    .option('--offset <n>', 'events to skip (paging)', '0')
    .option('--json', 'print the whole answer as one JSON document (the API route’s shape)')
    .action(async (opts: ExplainOptions) => {
      if (!METRICS.has(opts.metric))
        throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `--metric must be one of ${KPI_METRICS.join(', ')}`);
      const windowStartMs = Date.parse(opts.windowStart);
      if (!Number.isFinite(windowStartMs) || windowStartMs % 60_000 !== 0)
        throw new ShopError(
          'SHOP_CLI_BAD_ARGUMENT',
          '--window-start must be an ISO-8601 minute (seconds 00)',
        );
      const limit = integerIn(opts.limit, '--limit', 1, 1000);
      const offset = integerIn(opts.offset, '--offset', 0, 10_000_000);
      const config = ctx.config();
      await withStoreAndReadLake(config, async (store, lake) => {
        const answer = await explainKpi(store, (r) => explainKpiMinute(lake, r), {
          metric: opts.metric as KpiMetric,
          windowStartMs,
          limit,
          offset,
        });
        ctx.stdout.write(opts.json ? JSON.stringify(answer, null, 2) + '\n' : describe(answer));
      });
    });
}

function integerIn(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `${flag} must be an integer from ${min} to ${max}`);
  return n;
}

/** The answer for a terminal: value and formula first, then the events and what was left out. */
function describe(a: ExplainedKpi): string {
  const agree =
    a.value === null ? 'no Gold row' : Math.abs(a.value - a.recomputed) <= 0.005 ? 'equal' : 'DIFFERENT';
  const inputs = Object.entries(a.inputs)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const lines = [
    `${a.metric} for the minute ${a.windowStart}: ${a.value ?? '-'} (${a.finalized ? 'finalised' : 'open'})`,
    `formula: ${a.formula}`,
    `inputs from Silver (version ${a.silverVersion ?? '-'}): ${inputs}`,
    `recomputed: ${a.recomputed} (${agree})`,
    `processor commits: ${a.commits.count}` +
      (a.commits.firstCommitAt === null
        ? ''
        : `, first ${a.commits.firstCommitAt}, last ${a.commits.lastCommitAt}`) +
      (a.commits.finalizedAt === null ? '' : `, finalised ${a.commits.finalizedAt}`) +
      (a.commits.items.length < a.commits.count ? ` (${a.commits.items.length} listed)` : ''),
    ...a.commits.items.map(
      (c) =>
        `  #${c.revision}  ${c.committedAt}  ${c.topic}  ` +
        c.ranges.map((r) => `p${r.partition}[${r.fromOffset}, ${r.toOffset}) epoch ${r.epoch}`).join('  '),
    ),
    `contributing events: ${a.events.total}` +
      (a.events.items.length < a.events.total
        ? ` (listed ${a.events.offset + 1}-${a.events.offset + a.events.items.length}; --offset pages)`
        : ''),
    ...a.events.items.map(
      (e) =>
        `  ${e.eventTime}  ${e.eventType.padEnd(11)} ${e.eventId}  p${e.partition}@${e.offset}` +
        (e.price === null ? '' : `  ${e.price} x ${e.quantity ?? 1}`) +
        `  ${e.file}`,
    ),
    `left out of the minute (from ${a.excluded.logRanges} log ranges): ` +
      (a.excluded.byReason.length === 0
        ? 'none'
        : a.excluded.byReason.map((r) => `${r.reason} ${r.count}`).join(', ')),
    ...a.excluded.items
      .slice(0, a.events.limit)
      .map((x) => `  p${x.partition}@${x.offset}  ${x.eventId ?? '(no event_id)'}  ${x.reasons.join(', ')}`),
  ];
  return lines.join('\n') + '\n';
}
