import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { figure, rate, type BenchScenario, type ScenarioContext } from '../bench-result.js';
import { DashboardPoller } from '../dashboard-poller.js';
import { lakeCensus } from '../lake-census.js';
import {
  floorSlopePerHour,
  rssSlopeMiBPerHour,
  sampleProcess,
  slopePerHour,
  type ProcessSample,
} from '../process-sampler.js';

const SAMPLE_INTERVAL_MS = 5_000;
const STOP_TIMEOUT_MS = 60_000;
/** Window of the floor slopes: the smallest sample of each 10 minutes. */
const FLOOR_WINDOW_MS = 600_000;

/** The child's memory by owner, from its /metrics, in MiB. */
interface MemoryParts {
  /** The main thread's V8 heap in use, and reserved (Node's default series). */
  readonly heapUsedMiB: number;
  readonly heapTotalMiB: number;
  /** Memory the main thread's V8 is told about outside its heap: Buffers, ArrayBuffers. */
  readonly externalMiB: number;
  /**
   * The embedded PGlite worker thread: its heap total plus its external memory, which holds
   * PostgreSQL's WebAssembly memory (`shopstream_store_worker_memory_bytes`; 0 without it).
   */
  readonly pgliteMiB: number;
  /**
   * What the buffer managers of the lake's DuckDB instances (the processor's writer and the API's
   * reader) hold in memory (`shopstream_lake_duckdb_memory_bytes{medium="memory"}`; 0 without it).
   */
  readonly duckdbMiB: number;
}
type SoakSample = ProcessSample & { readonly events: number; readonly memory: MemoryParts | null };

/**
 * RSS outside both threads' V8 heaps and external memory and DuckDB's buffer managers: DuckDB's
 * other native allocations, allocator slack, code.
 */
const otherMiB = (s: SoakSample): number =>
  s.rssMiB - s.memory!.heapTotalMiB - s.memory!.externalMiB - s.memory!.pgliteMiB - s.memory!.duckdbMiB;

/**
 * `soak`: `shopstream start` as a child process (what `npm start` runs: backfill, simulator,
 * collector, processor, detector, API, compaction, DQ), the dashboard's routes polled every
 * pollIntervalMs, for durationS. Reports the child's RSS over time (peak, slope after the
 * warm-up) and by owner (V8 heap, external memory, the rest) with least-squares and floor
 * slopes, CPU per event, committed events/s, route latencies and failures, and readable lake
 * files per table and table-hour after a clean stop. `--rate-per-sec` sets flat traffic;
 * without it the simulator's configured (realistic) traffic runs.
 */
export const soakScenario: BenchScenario = {
  name: 'soak',
  description:
    'npm start for a while with the dashboard polled: memory, CPU per event, lake files, latencies',
  async run(ctx) {
    const { durationS, soakPollIntervalMs } = ctx.options;
    const warmupS = Math.min(ctx.options.soakWarmupS, durationS / 2);
    const child = startChild(ctx);
    const samples: SoakSample[] = [];
    let poller: DashboardPoller | undefined;
    try {
      const baseUrl = await listeningUrl(child);
      poller = new DashboardPoller(baseUrl, soakPollIntervalMs);
      const startedAt = Date.now();
      poller.start();
      ctx.progress(`start running at ${baseUrl}, soaking ${durationS} s (warm-up ${warmupS} s)`);
      while (Date.now() - startedAt < durationS * 1000) {
        await new Promise((r) => setTimeout(r, SAMPLE_INTERVAL_MS));
        const s = await sampleProcess(child.pid!);
        const [events, memory] = await Promise.all([committedEvents(baseUrl), memoryParts(baseUrl)]);
        samples.push({ ...s, events, memory });
        if (samples.length % 12 === 0)
          ctx.progress(`${Math.round((Date.now() - startedAt) / 1000)} s: rss ${Math.round(s.rssMiB)} MiB`);
      }
      await poller.stop();
      const peakRssMiB = (await sampleProcess(child.pid!)).peakRssMiB;
      await stopChild(child);
      const atStop = await lakeCensus(join(ctx.workDir, 'data', 'lake'));
      // One more compaction pass, as start would have run a minute later.
      await runChild(ctx, ['lake', 'compact']);
      const census = await lakeCensus(join(ctx.workDir, 'data', 'lake'));
      const warm = samples.filter((s) => s.atMs - startedAt >= warmupS * 1000);
      const first = warm[0] ?? samples[0]!;
      const last = samples[samples.length - 1]!;
      const cpuS = last.cpuS - first.cpuS;
      const events = last.events - first.events;
      const wallS = (last.atMs - first.atMs) / 1000;
      const routes = poller.report();
      const overall = poller.overall();
      const failures = Object.values(routes).reduce((n, r) => n + r.failures, 0);
      // Which owner grows: slopes (least squares, and of the 10-minute floors) per part.
      const scraped = warm.filter((s) => s.memory !== null);
      const parts: Array<[string, (s: SoakSample) => number]> = [
        ['rss', (s) => s.rssMiB],
        ['heapUsed', (s) => s.memory!.heapUsedMiB],
        ['external', (s) => s.memory!.externalMiB],
        ['pglite', (s) => s.memory!.pgliteMiB],
        ['duckdb', (s) => s.memory!.duckdbMiB],
        ['other', otherMiB],
      ];
      const memoryFigures = parts.flatMap(([part, value]) => {
        const on = part === 'rss' ? warm : scraped;
        return [
          figure(`memory.${part}.end`, on.length > 0 ? value(on[on.length - 1]!) : 0, 'MiB'),
          figure(`memory.${part}.slopeMiBPerHour`, slopePerHour(on, value), 'MiB'),
          figure(`memory.${part}.floorSlopeMiBPerHour`, floorSlopePerHour(on, value, FLOOR_WINDOW_MS), 'MiB'),
        ];
      });
      return {
        status: 'ok',
        figures: [
          figure('peakRss', peakRssMiB, 'MiB'),
          figure('rssAfterWarmup', first.rssMiB, 'MiB'),
          figure('rssEnd', last.rssMiB, 'MiB'),
          figure('rssSlopeMiBPerHour', rssSlopeMiBPerHour(warm), 'MiB'),
          ...memoryFigures,
          figure('cpuPctOfCore', wallS > 0 ? (100 * cpuS) / wallS : 0, '%'),
          figure('cpuUsPerEvent', events > 0 ? (cpuS * 1e6) / events : 0, 'count'),
          rate('committedEvents/s', wallS > 0 ? events / wallS : 0),
          figure('routeP50', overall.p50Ms, 'ms'),
          figure('routeP95', overall.p95Ms, 'ms'),
          figure('routeMax', overall.maxMs, 'ms'),
          figure('routeRequests', overall.count, 'count'),
          figure('routeFailures', failures, 'count'),
          ...Object.entries(census).flatMap(([table, c]) => [
            figure(`lakeFiles.${table}`, c.files, 'count'),
            figure(`lakeMaxFilesPerHour.${table}`, c.maxFilesPerHour, 'count'),
            figure(
              `lakeMaxFilesPerHourAtStop.${table}`,
              atStop[table as keyof typeof atStop].maxFilesPerHour,
              'count',
            ),
          ]),
        ],
        details: {
          warmupS,
          pollIntervalMs: soakPollIntervalMs,
          routes,
          lake: census,
          lakeAtStop: atStop,
          samples: samples.map((s) => ({
            s: Math.round((s.atMs - startedAt) / 1000),
            rssMiB: Math.round(s.rssMiB),
            cpuS: Math.round(s.cpuS * 10) / 10,
            events: s.events,
            ...(s.memory === null
              ? {}
              : {
                  heapUsedMiB: Math.round(s.memory.heapUsedMiB),
                  heapTotalMiB: Math.round(s.memory.heapTotalMiB),
                  externalMiB: Math.round(s.memory.externalMiB),
                  pgliteMiB: Math.round(s.memory.pgliteMiB),
                  duckdbMiB: Math.round(s.memory.duckdbMiB),
                }),
          })),
        },
      };
    } finally {
      await poller?.stop();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  },
};

function spawnCli(ctx: ScenarioContext, command: readonly string[]): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    // What `npm start` and the image set (package.json, deploy/Dockerfile), unless given.
    MALLOC_ARENA_MAX: '2',
    ...process.env,
    SHOPSTREAM_API_PORT: '0',
    SHOPSTREAM_API_HOST: '127.0.0.1',
  };
  if (ctx.options.ratePerSecExplicit) {
    env['SHOPSTREAM_SIMULATOR_RATE_PER_SEC'] = String(ctx.options.ratePerSec);
    env['SHOPSTREAM_SIMULATOR_TRAFFIC_SHAPE'] = 'flat';
  }
  // The same runtime as this process (node + tsx from sources, or node on the build).
  const args = [...process.execArgv, process.argv[1]!, '--data-dir', join(ctx.workDir, 'data'), ...command];
  return spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

const startChild = (ctx: ScenarioContext): ChildProcess => spawnCli(ctx, ['start']);

/** Runs a CLI command to its end; throws with its stderr when it fails. */
async function runChild(ctx: ScenarioContext, command: readonly string[]): Promise<void> {
  const child = spawnCli(ctx, command);
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
  child.stdout!.resume();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`shopstream ${command.join(' ')} exited with ${code}: ${err}`);
}

/** Waits for start's "shopstream is running: dashboard <url>" line. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /dashboard (http:\/\/[^/\s]+)\//.exec(out);
      if (m !== null) resolve(m[1]!.replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`start exited with ${code} before listening: ${err}`)));
  });
}

async function committedEvents(baseUrl: string): Promise<number> {
  try {
    const res = await fetch(`${baseUrl}/api/v1/pipeline/status`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { accounting?: { read?: number } };
    return body.accounting?.read ?? 0;
  } catch {
    return 0;
  }
}

/** The child's memory parts from its /metrics; null when the scrape fails. */
async function memoryParts(baseUrl: string): Promise<MemoryParts | null> {
  try {
    const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    const lines = (await res.text()).split('\n');
    const mib = (series: string, optional = false): number => {
      const line = lines.find((l) => l.startsWith(`${series} `));
      const v = Number(line?.slice(series.length + 1));
      if (line === undefined && optional) return 0;
      if (line === undefined || !Number.isFinite(v)) throw new Error(`no ${series}`);
      return v / 1_048_576;
    };
    const worker = (kind: string): number =>
      mib(`shopstream_store_worker_memory_bytes{kind="${kind}"}`, true);
    const duckdb = lines
      .filter((l) => l.startsWith('shopstream_lake_duckdb_memory_bytes{') && l.includes('medium="memory"'))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    return {
      heapUsedMiB: mib('nodejs_heap_size_used_bytes'),
      heapTotalMiB: mib('nodejs_heap_size_total_bytes'),
      externalMiB: mib('nodejs_external_memory_bytes'),
      pgliteMiB: worker('heap_total') + worker('external'),
      duckdbMiB: duckdb / 1_048_576,
    };
  } catch {
    return null;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
