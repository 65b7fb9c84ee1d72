/**
 * Issue 7: `shopstream bench` runs every scenario end to end on tiny sizes and writes a JSON report
 * with the machine, the commit, the options and every figure with its ratio to the ceiling. Only
 * the structure is asserted, never a speed (performance is what the command itself measures).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, tempDataDir } from '../helpers/cli.js';

const STAGES = ['read', 'parse', 'validate', 'dedupe', 'aggregate', 'lakeWrite', 'storeCommit'];
const ORDER = [
  'ceiling',
  'pipeline-embedded',
  'pipeline-kafka',
  'freshness',
  'catch-up',
  'collector',
  'marts',
];

interface Figure {
  name: string;
  value: number;
  unit: string;
  ratioToCeiling: number | null;
}
interface Scenario {
  scenario: string;
  status: string;
  elapsedMs: number;
  reason?: string;
  figures?: Figure[];
  details?: Record<string, unknown>;
}
interface Report {
  machine: {
    cores: number;
    cpuModel: string;
    totalMemoryMiB: number;
    nodeVersion: string;
    loadAverage: number[];
  };
  git: { commit: string | null };
  options: { events: number; durationS: number };
  ceilingEventsPerSec: number;
  scenarios: Scenario[];
}

function figureOf(s: Scenario, name: string): Figure {
  const f = s.figures?.find((x) => x.name === name);
  assert.ok(f, `${s.scenario} reports ${name}`);
  assert.ok(Number.isFinite(f.value), `${s.scenario} ${name} is a number`);
  return f;
}

describe('shopstream bench (tiny sizes)', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let report: Report;
  let stdout: string;
  before(async () => {
    tmp = await tempDataDir('bench-e2e');
    const resultsDir = join(tmp.dir, 'results');
    const args = [
      'bench',
      '--scenario',
      'all',
      '--events',
      '20000',
      '--duration-s',
      '3',
      '--rate-per-sec',
      '2000',
      '--warmup-s',
      '2',
      '--outage-s',
      '2',
      '--collector-duration-s',
      '1',
      '--ceiling-events',
      '5000',
      '--ceiling-min-ms',
      '200',
      '--results-dir',
      resultsDir,
    ];
    const result = await runCli(args, { dataDir: join(tmp.dir, 'data') });
    assert.equal(result.code, 0, result.stderr);
    stdout = result.stdout;
    const files = await readdir(resultsDir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.json$/);
    report = JSON.parse(await readFile(join(resultsDir, files[0]!), 'utf8')) as Report;
  });
  after(() => tmp.cleanup());

  it('records the machine, the commit and the options', () => {
    assert.ok(report.machine.cores >= 1);
    assert.ok(report.machine.totalMemoryMiB > 0);
    assert.equal(report.machine.nodeVersion, process.version);
    assert.equal(report.machine.loadAverage.length, 3);
    assert.match(report.git.commit ?? '', /^[0-9a-f]{40}$/);
    assert.equal(report.options.events, 20000);
    assert.equal(report.options.durationS, 3);
  });

  it('runs every scenario in order and says why one was skipped', () => {
    assert.deepEqual(
      report.scenarios.map((s) => s.scenario),
      ORDER,
    );
    for (const s of report.scenarios.filter((x) => x.scenario !== 'pipeline-kafka'))
      assert.equal(s.status, 'ok', `${s.scenario}: ${s.reason}`);
    const kafka = report.scenarios.find((s) => s.scenario === 'pipeline-kafka')!;
    assert.equal(kafka.status, 'skipped');
    assert.match(kafka.reason!, /no broker configured/);
    assert.match(stdout, /pipeline-kafka\s+skipped\s+no broker configured/);
  });

  it('gives every rate a ratio to the ceiling and nothing else one', () => {
    const ceiling = report.scenarios[0]!;
    assert.equal(figureOf(ceiling, 'events/s').value, report.ceilingEventsPerSec);
    assert.equal(figureOf(ceiling, 'events/s').ratioToCeiling, 1);
    for (const s of report.scenarios) {
      for (const f of s.figures ?? []) {
        if (f.unit === 'events/s')
          assert.equal(
            f.ratioToCeiling,
            Math.round((f.value / report.ceilingEventsPerSec) * 10_000) / 10_000,
          );
        else assert.equal(f.ratioToCeiling, null, `${s.scenario} ${f.name}`);
      }
    }
  });

  it('pipeline-embedded commits every event and reports memory and every stage', () => {
    const p = report.scenarios.find((s) => s.scenario === 'pipeline-embedded')!;
    assert.equal(p.details!.events, 20000);
    assert.ok(figureOf(p, 'events/s').value > 0);
    assert.ok(figureOf(p, 'peakRss').value > 0);
    for (const stage of STAGES) figureOf(p, `stageMs.${stage}`);
  });

  it('freshness measures the serving DB and the live stream; catch-up recovers; collector accepts', () => {
    const f = report.scenarios.find((s) => s.scenario === 'freshness')!;
    for (const name of ['storeP50', 'storeP95', 'storeP99', 'streamP50', 'streamP99']) figureOf(f, name);
    assert.ok(figureOf(f, 'storeP50').value <= figureOf(f, 'storeP99').value);
    assert.ok(figureOf(f, 'streamUpdates').value > 0);
    // Every minute under its p99 means the whole run under it: the worst minute bounds the run's p99.
    assert.ok(figureOf(f, 'storeP99WorstMinute').value >= figureOf(f, 'storeP99').value);
    assert.ok((f.details!['minutes'] as unknown[]).length >= 1);
    for (const name of ['minutesOverP99Target', 'rssAfterWarmup', 'rssEnd', 'rssSlopeMiBPerHour'])
      figureOf(f, name);
    const c = report.scenarios.find((s) => s.scenario === 'catch-up')!;
    assert.ok(figureOf(c, 'backlogAtRestart').value > 0);
    figureOf(c, 'catchUp');
    const k = report.scenarios.find((s) => s.scenario === 'collector')!;
    assert.ok(figureOf(k, 'acceptedEvents/s').value > 0);
  });

  it('marts builds the marts of the generated days, reconciled with Gold', () => {
    const m = report.scenarios.find((s) => s.scenario === 'marts')!;
    assert.ok(figureOf(m, 'events/s').value > 0);
    for (const name of ['build', 'secondsPerDay', 'dayRebuild', 'idleBuild', 'modelMs.sessions'])
      figureOf(m, name);
    assert.ok(Number(m.details!.silverEvents) > 19_000);
    assert.ok(Number(m.details!.reconciledDays) >= 1);
  });
});

describe('shopstream bench: bad arguments', () => {
  it('exits 2 with a coded message, never a crash', async () => {
    const tmp = await tempDataDir('bench-args');
    try {
      for (const args of [
        ['--events', 'many'],
        ['--scenario', 'warp-speed'],
        ['--invalid-pct', '150'],
      ]) {
        const r = await runCli(['bench', ...args], { dataDir: tmp.dir });
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /^error /m);
        assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
      }
    } finally {
      await tmp.cleanup();
    }
  });
});
