import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config/index.js';
import { openEventLog } from '../../cli/open-event-log.js';
import { processorOptionsFromConfig } from '../../cli/open-components.js';
import {
  createSimulator,
  eventLogSink,
  ndjsonFileSink,
  runSimulation,
  type RecordSink,
} from '../../sources/simulator/index.js';
import type { BenchScenario, ScenarioContext, ScenarioOutcome } from '../bench-result.js';
import { BATCH_START_TIME_MS, benchSimulatorOptions } from '../bench-traffic.js';
import { ENGINES } from '../peers/engine-outcome.js';
import { engineRunners, type EngineRun, type PeersInput } from '../peers/engine-runs.js';
import { findPeerTools } from '../peers/peer-tools.js';
import { peersFigures, peersAgreement } from '../peers/peers-summary.js';

/**
 * Event time the generated traffic spans (plus up to 10 min of late events before it): well inside
 * the processor's 1 h watermark, so no event is late and dedupe sees every duplicate in all three
 * engines (their late rules differ; see docs/benchmarks.md, "Peers").
 */
const SPAN_MS = 15 * 60_000;
const PEER_CORES = 2;

/**
 * `peers`: the same job (parse, validate, dedupe, Silver Parquet, 1-minute KPIs) over the same
 * generated records in shopstream (`process --once` over its embedded log), Apache Spark Structured
 * Streaming (local mode, availableNow file source) and one DuckDB SQL script, run interleaved for
 * `peersRounds` rounds; each run is a child process tree measured by scripts/peers/measure.py.
 * Fails when the three KPI sets differ; skipped (with the reason) when Java or the peers' Python
 * packages are missing.
 */
export const peersScenario: BenchScenario = {
  name: 'peers',
  description: 'the same job in shopstream, Apache Spark (local) and DuckDB, interleaved rounds',
  async run(ctx) {
    const tools = await findPeerTools();
    if ('missing' in tools) return { status: 'skipped', reason: `peers unavailable: ${tools.missing}` };
    const input = await prepareInput(ctx);
    const runners = engineRunners(tools, input);
    const runs: EngineRun[] = [];
    for (let round = 1; round <= ctx.options.peersRounds; round++) {
      for (const engine of ENGINES) {
        const dir = join(ctx.workDir, `round-${round}`);
        await mkdir(dir, { recursive: true });
        ctx.progress(`round ${round}/${ctx.options.peersRounds}: ${engine}`);
        const run = await runners[engine](round, dir);
        ctx.progress(
          `round ${round}: ${engine} ${run.usage.wallS.toFixed(1)} s, ${run.usage.cpuS.toFixed(1)} CPU-s`,
        );
        runs.push(run);
      }
    }
    return outcomeOf(ctx, runs);
  },
};

function outcomeOf(ctx: ScenarioContext, runs: readonly EngineRun[]): ScenarioOutcome {
  const agreement = peersAgreement(runs);
  if (agreement.kpiMismatches.length > 0 || agreement.accountingMismatches.length > 0) {
    throw new Error(
      `the engines disagree: ${JSON.stringify({ kpi: agreement.kpiMismatches.slice(0, 5), accounting: agreement.accountingMismatches })}`,
    );
  }
  return {
    status: 'ok',
    figures: peersFigures(runs),
    details: { events: ctx.options.events, rounds: ctx.options.peersRounds, cores: PEER_CORES, ...agreement },
  };
}

/** One NDJSON file and one embedded log with the same records (same simulator options and seed). */
async function prepareInput(ctx: ScenarioContext): Promise<PeersInput> {
  const ndjsonDir = join(ctx.workDir, 'input');
  const templateDataDir = join(ctx.workDir, 'template');
  await mkdir(ndjsonDir, { recursive: true });
  const ndjsonFile = join(ndjsonDir, 'events.ndjson');
  const config = peersConfig(ctx.config, templateDataDir);
  ctx.progress(`generating ${ctx.options.events} events to ${ndjsonFile} and shopstream's log (not timed)`);
  await generate(ctx, ndjsonFileSink(ndjsonFile));
  const log = await openEventLog(config, { mode: 'write' });
  try {
    const topic = processorOptionsFromConfig(config).topic;
    await log.ensureTopic({ name: topic, partitions: config.log.partitions, replicationFactor: 1 });
    await generate(ctx, eventLogSink(log, topic));
  } finally {
    await log.close();
  }
  const configFile = join(ctx.workDir, 'config.json');
  const { dataDir: _dataDir, ...fileConfig } = config;
  await writeFile(configFile, JSON.stringify(fileConfig));
  return {
    ndjsonDir,
    ndjsonFile,
    templateDataDir,
    configFile,
    watermarkMs: config.processor.watermarkMs,
    cores: PEER_CORES,
  };
}

async function generate(ctx: ScenarioContext, sink: RecordSink): Promise<void> {
  const { events } = ctx.options;
  const sim = createSimulator(
    benchSimulatorOptions(ctx.options, {
      mode: 'batch',
      startTimeMs: BATCH_START_TIME_MS,
      count: events,
      ratePerSec: Math.max(1, Math.ceil((events * 1000) / SPAN_MS)),
    }),
  );
  const result = await runSimulation(sim, sink, { batchSize: 10_000, idleWaitMs: 10 }).finally(() =>
    sink.close(),
  );
  if (result.written !== events) throw new Error(`the simulator wrote ${result.written} of ${events} events`);
}

/** The embedded log, PGlite and a local lake under the data dir: never the configured servers. */
function peersConfig(base: Readonly<Config>, dataDir: string): Readonly<Config> {
  return {
    ...base,
    dataDir,
    store: { ...base.store, url: '' },
    lake: { ...base.lake, dir: '' },
    log: { ...base.log, brokers: '' },
  };
}
