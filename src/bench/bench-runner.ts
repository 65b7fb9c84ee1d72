import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import type { BenchOptions, ScenarioName } from './bench-options.js';
import { ceilingOf, withCeilingRatios, type BenchReport } from './bench-report.js';
import type { BenchScenario, ScenarioResult } from './bench-result.js';
import { gitInfo, machineInfo } from './machine-info.js';

export interface RunBenchDeps {
  readonly scenarios: ReadonlyMap<ScenarioName, BenchScenario>;
  readonly config: Readonly<Config>;
  /** Progress lines (stderr). */
  readonly progress: (line: string) => void;
  /** Folder of the git checkout (the commit is recorded) and base of a relative resultsDir. */
  readonly cwd: string;
}

/**
 * Runs the selected scenarios one after the other, each in a fresh temp folder that is removed
 * afterwards. A scenario that throws is recorded as failed (with the message) and the run goes on.
 * Writes the report to `<resultsDir>/<startedAt>.json` and returns it with the file's path.
 */
export async function runBench(
  options: BenchOptions,
  deps: RunBenchDeps,
): Promise<{ report: BenchReport; file: string }> {
  const startedAt = new Date();
  const machine = machineInfo();
  const results: ScenarioResult[] = [];
  for (const name of options.scenarios) {
    const scenario = deps.scenarios.get(name);
    if (scenario === undefined) continue;
    deps.progress(`[${name}] ${scenario.description}`);
    results.push(await runOne(scenario, options, deps));
    const last = results[results.length - 1]!;
    deps.progress(
      `[${name}] ${last.status} in ${(last.elapsedMs / 1000).toFixed(1)} s${last.status === 'ok' ? '' : `: ${last.reason}`}`,
    );
  }
  const ceiling = ceilingOf(results);
  const finishedAt = new Date();
  const report: BenchReport = {
    schemaVersion: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    elapsedMs: finishedAt.getTime() - startedAt.getTime(),
    machine,
    loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    git: gitInfo(deps.cwd),
    options,
    ceilingEventsPerSec: ceiling,
    scenarios: withCeilingRatios(results, ceiling),
  };
  const dir = resolve(deps.cwd, options.resultsDir);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${report.startedAt.replace(/:/g, '-')}.json`);
  await writeFile(file, JSON.stringify(report, null, 2) + '\n');
  return { report, file };
}

async function runOne(
  scenario: BenchScenario,
  options: BenchOptions,
  deps: RunBenchDeps,
): Promise<ScenarioResult> {
  const workDir = await mkdtemp(join(tmpdir(), `shopstream-bench-${scenario.name}-`));
  const t0 = performance.now();
  const progress = (message: string) => deps.progress(`[${scenario.name}] ${message}`);
  try {
    const outcome = await scenario.run({ options, config: deps.config, workDir, progress });
    const elapsedMs = Math.round(performance.now() - t0);
    return outcome.status === 'ok'
      ? {
          scenario: scenario.name,
          elapsedMs,
          status: 'ok',
          figures: outcome.figures,
          details: outcome.details ?? {},
        }
      : { scenario: scenario.name, elapsedMs, status: 'skipped', reason: outcome.reason };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      scenario: scenario.name,
      elapsedMs: Math.round(performance.now() - t0),
      status: 'failed',
      reason,
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
