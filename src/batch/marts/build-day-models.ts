import { partitionsWithFiles } from './lake-mart-files.js';
import { addDays } from './mart-dates.js';
import type { LakeRow } from '../../lake/index.js';
import type { DayModel, DaySqlParams, ModelName } from './mart-model.js';
import { typedSelect, type MartWorkspace } from './mart-workspace.js';
import { runModelTests, type ModelTestResult } from './model-tests.js';
import { silverEventsSql } from './models/day-events.js';
import { rowFingerprints } from './fingerprints.js';
import { recordPartition, type ModelState } from './partition-state.js';
import { publishPartition, type PublishDeps } from './publish-partition.js';
import type { BuildProgress, ModelBuildSummary } from './build-summary.js';

/**
 * A day of a model about to be committed (its tests passed, its rows changed): the hook
 * `MartBuildDeps.onRowsPublished` receives it before the commit, so a crash in between sends it
 * again on the next build (at-least-once downstream); a hook that throws fails the build of that day.
 */
export interface MartRowsPublished {
  readonly model: ModelName;
  readonly day: string;
  readonly buildId: string;
  /** The day's rows, read on demand (only hooks that want them pay for them). */
  rows(): Promise<LakeRow[]>;
}

/** What the marts build calls for each such day (`MartBuildDeps.onRowsPublished`). */
export type MartRowsHook = (published: MartRowsPublished) => Promise<void>;

export interface DayBuildInput {
  readonly publish: PublishDeps;
  readonly buildId: string;
  readonly models: readonly DayModel[];
  readonly params: Omit<DaySqlParams, 'day'>;
  readonly silverDays: ReadonlyMap<string, string>;
  readonly state: ReadonlyMap<string, ModelState>;
  /** Days to rebuild whatever their state (`--from/--to`); null = only stale days. */
  readonly forcedDays: ReadonlySet<string> | null;
  readonly progress: (p: BuildProgress) => void;
  readonly onRowsPublished?: MartRowsHook | undefined;
}

/** The fingerprint of the Silver a model's day reads (its own day and, for sessions, the neighbours). */
const sourceOf = (model: DayModel, day: string, silver: ReadonlyMap<string, string>): string =>
  model.readsDays.map((o) => silver.get(addDays(day, o)) ?? '-').join('|');

/** The days of `model` to build: forced ones, else those whose Silver changed or whose lake file is gone. */
async function staleDays(input: DayBuildInput, ws: MartWorkspace, model: DayModel): Promise<string[]> {
  const state = input.state.get(model.name) ?? new Map();
  const candidates = new Set([...input.silverDays.keys(), ...state.keys()]);
  if (input.forcedDays !== null) return [...candidates].filter((d) => input.forcedDays!.has(d)).sort();
  const files = await partitionsWithFiles(ws.lake.dir, model);
  return [...candidates]
    .filter((day) => {
      const s = state.get(day);
      if (s === undefined) return input.silverDays.has(day);
      return (
        s.sourceFingerprint !== sourceOf(model, day, input.silverDays) || (s.rows > 0 && !files.has(day))
      );
    })
    .sort();
}

/**
 * Builds the stale days of every day model: per day, the day's Silver events are selected once
 * (`ev`), then each model computes its rows, runs its tests and, when they pass, publishes the day
 * (unless the rows equal what is published). A failed test leaves that day as it was.
 */
export async function buildDayModels(input: DayBuildInput): Promise<{
  summaries: ModelBuildSummary[];
  tests: ModelTestResult[];
}> {
  const { ws } = input.publish;
  const plan = new Map<DayModel, string[]>();
  for (const model of input.models) plan.set(model, await staleDays(input, ws, model));
  const days = [...new Set([...plan.values()].flat())].sort();
  const summaries = new Map(input.models.map((m) => [m.name, emptySummary(m.name)]));
  const tests: ModelTestResult[] = [];
  const total = [...plan.values()].reduce((s, d) => s + d.length, 0);
  let done = 0;
  for (const day of days) {
    await ws.create('ev', silverEventsSql('event_date = $1::DATE'), [day]);
    for (const [model, modelDays] of plan) {
      if (!modelDays.includes(day)) continue;
      const t0 = performance.now();
      const results = await buildOneDay(input, model, day);
      tests.push(...results.tests);
      const summary = summaries.get(model.name)!;
      summary.partitionsBuilt++;
      summary.rowsWritten += results.published ? results.rows : 0;
      summary.partitionsPublished += results.published ? 1 : 0;
      if (results.tests.some((t) => t.failing > 0)) summary.status = 'failed';
      summary.elapsedMs += performance.now() - t0;
      input.progress({ done: ++done, total, label: `${model.name} ${day}` });
    }
  }
  await ws.drop('ev');
  return { summaries: [...summaries.values()], tests };
}

async function buildOneDay(
  input: DayBuildInput,
  model: DayModel,
  day: string,
): Promise<{ tests: ModelTestResult[]; published: boolean; rows: number }> {
  const { ws } = input.publish;
  const out = `out_${model.name}`;
  await ws.create(
    out,
    typedSelect(model.columns, `(${model.sql(ws.rel)})`),
    model.params({ ...input.params, day }),
  );
  try {
    const tests = await runModelTests(ws, model, ws.rel(out), day, () => undefined);
    if (tests.some((t) => t.failing > 0)) return { tests, published: false, rows: 0 };
    const fp = (await rowFingerprints(ws, ws.rel(out), model.columns, null)).get('*');
    const rows = fp?.rows ?? 0;
    const outputFingerprint = fp?.fingerprint ?? 'empty';
    const before = input.state.get(model.name)?.get(day);
    const sourceFingerprint = sourceOf(model, day, input.silverDays);
    const files = await partitionsWithFiles(ws.lake.dir, model);
    const unchanged =
      input.forcedDays === null &&
      before?.outputFingerprint === outputFingerprint &&
      (rows === 0 || files.has(day));
    if (unchanged && before?.sourceFingerprint === sourceFingerprint)
      return { tests, published: false, rows };
    if (unchanged) {
      await recordPartition(input.publish.store, {
        model: model.name,
        partition: day,
        sourceFingerprint,
        outputFingerprint,
        rows,
        buildId: input.buildId,
      });
      return { tests, published: false, rows };
    }
    await input.onRowsPublished?.({
      model: model.name,
      day,
      buildId: input.buildId,
      rows: () => ws.query(`SELECT * FROM ${ws.rel(out)}`),
    });
    await publishPartition(input.publish, {
      model,
      partition: day,
      select: `SELECT * FROM ${ws.rel(out)}`,
      sourceFingerprint,
      outputFingerprint,
      rows,
      buildId: input.buildId,
    });
    return { tests, published: true, rows };
  } finally {
    await ws.drop(out);
  }
}

function emptySummary(model: DayModel['name']): ModelBuildSummary {
  return { model, status: 'ok', partitionsBuilt: 0, partitionsPublished: 0, rowsWritten: 0, elapsedMs: 0 };
}
