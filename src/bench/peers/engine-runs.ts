import { cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KpiMetric } from '../../contract/kpi-metrics.js';
import {
  kpiWindow,
  outcomeOfPeerResult,
  type EngineName,
  type EngineOutcome,
  type KpiWindow,
} from './engine-outcome.js';
import { runMeasured, runToEnd, type TreeUsage } from './measured-run.js';
import type { PeerTools } from './peer-tools.js';

/** One engine's measured run over the shared input. */
export interface EngineRun {
  readonly engine: EngineName;
  readonly round: number;
  readonly usage: TreeUsage;
  readonly outcome: EngineOutcome;
}

/** The inputs every engine gets: the NDJSON file (in its own folder, Spark's file source) and
 * shopstream's embedded log holding the same records, with the configuration of its processor. */
export interface PeersInput {
  readonly ndjsonDir: string;
  readonly ndjsonFile: string;
  readonly templateDataDir: string;
  readonly configFile: string;
  readonly watermarkMs: number;
  readonly cores: number;
}

export type EngineRunner = (round: number, dir: string) => Promise<EngineRun>;

export function engineRunners(tools: PeerTools, input: PeersInput): Record<EngineName, EngineRunner> {
  const measure = join(tools.scriptsDir, 'measure.py');
  const peerEnv: NodeJS.ProcessEnv = { ...process.env, JAVA_HOME: tools.javaHome };
  const peer =
    (engine: 'spark' | 'duckdb', args: (out: string) => string[]): EngineRunner =>
    async (round, dir) => {
      const out = join(dir, engine);
      await mkdir(out, { recursive: true });
      const { usage } = await runMeasured({
        python: tools.python,
        measureScript: measure,
        usageFile: join(dir, `${engine}-usage.json`),
        command: [tools.python, join(tools.scriptsDir, `${engine}_job.py`), ...args(out)],
        env: peerEnv,
        cwd: out,
      });
      const outcome = outcomeOfPeerResult(await readFile(join(out, 'result.json'), 'utf8'));
      return { engine, round, usage, outcome };
    };
  return {
    shopstream: (round, dir) => runShopstream(tools, input, round, dir),
    spark: peer('spark', (out) => [
      '--input-dir',
      input.ndjsonDir,
      '--out',
      out,
      '--cores',
      String(input.cores),
      '--watermark-ms',
      String(input.watermarkMs),
    ]),
    duckdb: peer('duckdb', (out) => [
      '--input',
      input.ndjsonFile,
      '--out',
      out,
      '--threads',
      String(input.cores),
    ]),
  };
}

/** `shopstream process --once` (the same runtime as this process) over a copy of the filled log. */
async function runShopstream(
  tools: PeerTools,
  input: PeersInput,
  round: number,
  dir: string,
): Promise<EngineRun> {
  const dataDir = join(dir, 'shopstream');
  await cp(join(input.templateDataDir, 'log'), join(dataDir, 'log'), { recursive: true });
  const cli = (command: readonly string[]) => [
    ...process.execArgv,
    process.argv[1]!,
    '--config',
    input.configFile,
    '--data-dir',
    dataDir,
    ...command,
  ];
  const { usage, stderr } = await runMeasured({
    python: tools.python,
    measureScript: join(tools.scriptsDir, 'measure.py'),
    usageFile: join(dir, 'shopstream-usage.json'),
    command: [process.execPath, ...cli(['process', '--once'])],
  });
  const jobS = Number(/processed \d+ records in ([\d.]+) s/.exec(stderr)?.[1] ?? NaN);
  const status = JSON.parse(await runToEnd(process.execPath, cli(['status', '--json']))) as StatusJson;
  const kpiLines = await runToEnd(process.execPath, cli(['kpis', '--json', '--limit', '10000000']));
  const t = status.totals;
  return {
    engine: 'shopstream',
    round,
    usage,
    outcome: {
      records: t.recordsRead,
      silver: t.silverRows,
      quarantine: t.quarantineRows,
      duplicates: t.duplicatesDropped,
      late: t.lateQuarantined,
      reasons: t.reasonCounts,
      kpis: kpisOfLines(kpiLines),
      jobS,
    },
  };
}

interface StatusJson {
  totals: {
    recordsRead: number;
    silverRows: number;
    quarantineRows: number;
    duplicatesDropped: number;
    lateQuarantined: number;
    reasonCounts: Record<string, number>;
  };
}

/** `kpis --json` lines ({window_start, metric, value}) -> one KpiWindow per window. */
function kpisOfLines(text: string): KpiWindow[] {
  const windows = new Map<number, Map<string, number>>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as { window_start: string; metric: string; value: number };
    const ms = Date.parse(row.window_start);
    let metrics = windows.get(ms);
    if (metrics === undefined) windows.set(ms, (metrics = new Map()));
    metrics.set(row.metric, Number(row.value));
  }
  return [...windows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([ms, metrics]) => kpiWindow(ms, (m: KpiMetric) => metrics.get(m) ?? 0));
}
