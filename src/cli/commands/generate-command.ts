import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { parseIsoTimestampMs } from '../../contract/index.js';
import { ShopError, isShopError } from '../../errors/index.js';
import { RAW_TOPIC } from '../../log/event-log.js';
import {
  createSimulator,
  eventLogSink,
  ndjsonFileSink,
  ndjsonStreamSink,
  runSimulation,
  type RecordSink,
  type Simulator,
  type SimulatorOptions,
} from '../../sources/simulator/index.js';
import type { CliContext } from '../cli-context.js';
import { openEventLog, retentionOf } from '../open-event-log.js';
import { onShutdownSignal } from '../shutdown-signal.js';

const BATCH_RECORDS = 10_000;
const REALTIME_IDLE_WAIT_MS = 50;

interface GenerateFlags {
  count?: string;
  duration?: string;
  rate?: string;
  seed?: string;
  invalidPct?: string;
  duplicatePct?: string;
  latePct?: string;
  lateMaxMs?: string;
  outOfOrderPct?: string;
  scenario?: string;
  scenarioStartS?: string;
  scenarioDurationS?: string;
  spikeFactor?: string;
  startTime?: string;
  mode?: string;
  to: string;
}

export function registerGenerateCommand(program: Command, ctx: CliContext): void {
  program
    .command('generate')
    .description(
      `Generate realistic, deterministic shop traffic (with injected faults) to ${RAW_TOPIC}, stdout or a file`,
    )
    .option('--count <n>', 'records to produce (duplicates and invalid ones included)')
    .option('--duration <s>', 'seconds of event time to produce at the rate')
    .option(
      '--rate <n>',
      'events per second of event time (default simulator.ratePerSec); with --to log: paced to the wall clock',
    )
    .option('--seed <n>', 'seed (default simulator.seed)')
    .option('--invalid-pct <p>', 'percent of records breaking a contract rule')
    .option('--duplicate-pct <p>', 'percent of records re-sent with the same event_id')
    .option('--late-pct <p>', 'percent of events with event_time moved back')
    .option('--late-max-ms <ms>', 'most a late event is late')
    .option('--out-of-order-pct <p>', 'percent of records delivered a little later than their place')
    .option('--scenario <kind>', 'none | spike | drop')
    .option('--scenario-start-s <s>', 'scenario start, seconds after the start time')
    .option('--scenario-duration-s <s>', 'scenario length in seconds')
    .option('--spike-factor <x>', 'traffic multiplier of the spike scenario')
    .option('--start-time <iso>', 'event time of the first event (default: now)')
    .option('--mode <mode>', 'batch | realtime (default: realtime with --rate and --to log, else batch)')
    .option('--to <target>', 'log | kafka (= log, requires log.brokers) | stdout | a file path', 'log')
    .action(async (flags: GenerateFlags) => {
      const config = ctx.config();
      const options = simulatorOptionsFrom(flags, config.simulator, Date.now());
      const sim = createCheckedSimulator(options);
      const sink = await openSink(flags.to, ctx, config);
      await pump(sim, sink, options, ctx);
    });
}

/** Builds SimulatorOptions from flags over config defaults; malformed flags are SHOP_CLI_BAD_ARGUMENT. */
export function simulatorOptionsFrom(
  flags: GenerateFlags,
  defaults: Readonly<Config['simulator']>,
  nowMs: number,
): SimulatorOptions {
  const count = optionalNumber(flags.count, '--count');
  const durationSec = optionalNumber(flags.duration, '--duration');
  const rate = optionalNumber(flags.rate, '--rate');
  const mode =
    flags.mode ?? (rate !== undefined && (flags.to === 'log' || flags.to === 'kafka') ? 'realtime' : 'batch');
  if (mode !== 'batch' && mode !== 'realtime')
    throw badArgument(`--mode must be batch or realtime, got ${mode}`);
  if (count !== undefined && durationSec !== undefined)
    throw badArgument('give --count or --duration, not both');
  if (mode === 'batch' && count === undefined && durationSec === undefined)
    throw badArgument('batch mode needs --count or --duration');
  const scenario = flags.scenario ?? defaults.scenario;
  if (scenario !== 'none' && scenario !== 'spike' && scenario !== 'drop')
    throw badArgument(`--scenario must be none, spike or drop, got ${scenario}`);
  return {
    seed: optionalNumber(flags.seed, '--seed') ?? defaults.seed,
    ratePerSec: rate ?? (defaults.ratePerSec > 0 ? defaults.ratePerSec : 1000),
    startTimeMs: flags.startTime === undefined ? nowMs : isoTime(flags.startTime),
    ...(count === undefined ? {} : { count }),
    ...(durationSec === undefined ? {} : { durationSec }),
    mode,
    products: defaults.products,
    customers: defaults.customers,
    trafficShape: defaults.trafficShape,
    invalidPct: optionalNumber(flags.invalidPct, '--invalid-pct') ?? defaults.invalidPct,
    duplicatePct: optionalNumber(flags.duplicatePct, '--duplicate-pct') ?? defaults.duplicatePct,
    latePct: optionalNumber(flags.latePct, '--late-pct') ?? defaults.latePct,
    lateMaxMs: optionalNumber(flags.lateMaxMs, '--late-max-ms') ?? defaults.lateMaxMs,
    outOfOrderPct: optionalNumber(flags.outOfOrderPct, '--out-of-order-pct') ?? defaults.outOfOrderPct,
    outOfOrderWindowEvents: defaults.outOfOrderWindowEvents,
    scenario,
    scenarioStartSec: optionalNumber(flags.scenarioStartS, '--scenario-start-s') ?? defaults.scenarioStartS,
    scenarioDurationSec:
      optionalNumber(flags.scenarioDurationS, '--scenario-duration-s') ?? defaults.scenarioDurationS,
    spikeFactor: optionalNumber(flags.spikeFactor, '--spike-factor') ?? defaults.spikeFactor,
  };
}

function createCheckedSimulator(options: SimulatorOptions): Simulator {
  try {
    return createSimulator(options);
  } catch (err) {
    if (isShopError(err, 'SHOP_SIM_BAD_OPTION')) throw badArgument(err.message, err);
    throw err;
  }
}

async function openSink(to: string, ctx: CliContext, config: Readonly<Config>): Promise<RecordSink> {
  if (to === 'stdout' || to === '-') return ndjsonStreamSink('stdout', ctx.stdout, false);
  if (to !== 'log' && to !== 'kafka') return ndjsonFileSink(to);
  if (to === 'kafka' && config.log.brokers.trim() === '') {
    throw new ShopError(
      'SHOP_CLI_BAD_ARGUMENT',
      '--to kafka needs log.brokers (SHOPSTREAM_LOG_BROKERS or --config)',
    );
  }
  const log = await openEventLog(config, { mode: 'write' });
  try {
    await log.ensureTopic({
      name: RAW_TOPIC,
      partitions: config.log.partitions,
      replicationFactor: config.log.replicationFactor,
      ...retentionOf(config),
    });
  } catch (err) {
    await log.close();
    throw err;
  }
  return eventLogSink(log);
}

/** Runs to the end or to SIGINT/SIGTERM, always closing the sink; then prints the summary on stderr. */
async function pump(
  sim: Simulator,
  sink: RecordSink,
  options: SimulatorOptions,
  ctx: CliContext,
): Promise<void> {
  const stop = new AbortController();
  const offSignal = onShutdownSignal(() => stop.abort());
  const progress = progressBar(ctx, options.count);
  let result;
  try {
    result = await runSimulation(sim, sink, {
      batchSize: BATCH_RECORDS,
      idleWaitMs: REALTIME_IDLE_WAIT_MS,
      signal: stop.signal,
      onProgress: progress.tick,
    });
  } finally {
    progress.stop();
    offSignal();
    await sink.close();
  }
  const s = sim.stats();
  const seconds = result.elapsedMs / 1000;
  const perSec = seconds > 0 ? Math.round(result.written / seconds) : result.written;
  ctx.stderr.write(
    `generated ${result.written} records to ${sink.name}${result.interrupted ? ' (interrupted)' : ''}: ` +
      `invalid ${s.invalid}, duplicates ${s.duplicates}, late ${s.late}, out-of-order ${s.outOfOrder}; ` +
      `${seconds.toFixed(2)} s, ${perSec} events/s\n`,
  );
}

function progressBar(
  ctx: CliContext,
  total: number | undefined,
): { tick: (n: number) => void; stop: () => void } {
  if (!ctx.interactive || total === undefined) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: ctx.stderr as NodeJS.WriteStream,
      format: 'generate [{bar}] {percentage}% | {value}/{total} events | {eta}s',
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { tick: (n) => bar.update(n), stop: () => bar.stop() };
}

function optionalNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw badArgument(`${flag} must be a number, got "${text}"`);
  return value;
}

function isoTime(text: string): number {
  const ms = parseIsoTimestampMs(text);
  if (Number.isNaN(ms))
    throw badArgument(
      `--start-time must be an ISO-8601 time with a zone (2026-01-24T13:00:00Z), got "${text}"`,
    );
  return ms;
}

function badArgument(message: string, cause?: unknown): ShopError {
  return new ShopError('SHOP_CLI_BAD_ARGUMENT', message, cause === undefined ? {} : { cause });
}
