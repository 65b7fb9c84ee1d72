import type { BuildProgress, ModelBuildSummary } from './build-summary.js';
import { combineFingerprints, rowFingerprints } from './fingerprints.js';
import { importFingerprints, loadImportedHistory } from './imported-history.js';
import { lakeCopySelect, partitionsWithFiles } from './lake-mart-files.js';
import { WHOLE_TABLE, type ModelName, type WarehouseModel } from './mart-model.js';
import { ident, typedSelect } from './mart-workspace.js';
import { DAY_MODELS, WAREHOUSE_MODELS, WAREHOUSE_ORDER } from './model-registry.js';
import { runModelTests, type ModelTestResult } from './model-tests.js';
import { recordPartition, type ModelState } from './partition-state.js';
import { publishPartition, type PublishDeps } from './publish-partition.js';

/** The day models the warehouse reads (from their lake copies). */
export const WAREHOUSE_INPUTS: readonly ModelName[] = [
  'stg_purchase_lines',
  'stg_refund_lines',
  'product_analytics',
];

export interface WarehouseBuildInput {
  readonly publish: PublishDeps;
  readonly buildId: string;
  /** The warehouse models to publish (all are computed: their tests reach across them). */
  readonly models: ReadonlySet<ModelName>;
  /** Partition state as of after the day models of this build. */
  readonly state: ReadonlyMap<string, ModelState>;
  readonly silverDays: readonly string[];
  readonly importPageRows: number;
  /** `--from/--to`: recompute even when fresh, and republish these order days even when unchanged. */
  readonly forcedDays: ReadonlySet<string> | null;
  readonly progress: (p: BuildProgress) => void;
}

/** Fingerprint of everything the warehouse reads: staging outputs, product_analytics, imports, Silver days. */
async function inputFingerprint(input: WarehouseBuildInput): Promise<string> {
  const parts: Array<[string, string]> = [];
  for (const name of WAREHOUSE_INPUTS)
    for (const [p, s] of input.state.get(name) ?? []) parts.push([`${name}/${p}`, s.outputFingerprint]);
  parts.push(...(await importFingerprints(input.publish.store)));
  parts.push(['silver_days', input.silverDays.join(',')]);
  return combineFingerprints(parts);
}

/**
 * Fresh: every published partition of the asked models was built from these inputs and has its
 * lake file (a model with no rows has no partition and does not count); at least one partition.
 */
async function isFresh(
  input: WarehouseBuildInput,
  models: readonly WarehouseModel[],
  fp: string,
): Promise<boolean> {
  let partitions = 0;
  for (const model of models) {
    const state = input.state.get(model.name) ?? new Map();
    const files = await partitionsWithFiles(input.publish.ws.lake.dir, model);
    for (const [p, s] of state) {
      if (s.sourceFingerprint !== fp || !files.has(p)) return false;
      partitions++;
    }
  }
  return partitions > 0;
}

/**
 * Recomputes the warehouse models (all of them, in WAREHOUSE_ORDER) when an input changed, runs every
 * model's tests (relationships reach across models), then publishes the asked models whose tests
 * passed and whose upstream passed: only the partitions whose rows changed, and deletes those gone.
 */
export async function buildWarehouse(input: WarehouseBuildInput): Promise<{
  summaries: ModelBuildSummary[];
  tests: ModelTestResult[];
  /** Time to compute and test every warehouse relation (publishing is in each summary's elapsedMs). */
  computeMs: number;
}> {
  const { ws } = input.publish;
  const asked = WAREHOUSE_MODELS.filter((m) => input.models.has(m.name));
  const fp = await inputFingerprint(input);
  const fresh = input.forcedDays === null && (await isFresh(input, asked, fp));
  if (asked.length === 0 || fresh)
    return { summaries: asked.map((m) => summary(m.name, 'fresh')), tests: [], computeMs: 0 };
  const t0 = performance.now();
  await createInputs(input);
  let done = 0;
  const total = WAREHOUSE_ORDER.length + asked.length;
  for (const step of WAREHOUSE_ORDER) {
    const select = 'kind' in step ? typedSelect(step.columns, `(${step.sql(ws.rel)})`) : step.sql(ws.rel);
    await ws.create(step.name, select);
    input.progress({ done: ++done, total, label: `warehouse ${step.name}` });
  }
  const computed = new Set<string>(WAREHOUSE_MODELS.map((m) => m.name));
  const tests: ModelTestResult[] = [];
  for (const m of WAREHOUSE_MODELS)
    tests.push(
      ...(await runModelTests(ws, m, ws.rel(m.name), WHOLE_TABLE, (t) =>
        computed.has(t) ? ws.rel(t) : undefined,
      )),
    );
  const failed = failedWithDownstream(tests);
  const computeMs = performance.now() - t0;
  const summaries: ModelBuildSummary[] = [];
  for (const model of asked) {
    const s = summary(
      model.name,
      failed.has(model.name) ? (hasOwnFailure(tests, model.name) ? 'failed' : 'skipped') : 'ok',
    );
    const t1 = performance.now();
    if (s.status === 'ok') await publishModel(input, model, fp, s);
    s.elapsedMs = performance.now() - t1;
    summaries.push(s);
    input.progress({ done: ++done, total, label: `publish ${model.name}` });
  }
  return { summaries, tests, computeMs };
}

async function createInputs(input: WarehouseBuildInput): Promise<void> {
  const { ws, store } = input.publish;
  for (const name of WAREHOUSE_INPUTS) {
    const model = DAY_MODELS.find((m) => m.name === name)!;
    await ws.create(name, await lakeCopySelect(ws.lake.dir, model));
  }
  await loadImportedHistory(store, ws, input.importPageRows);
  await ws.create(
    'silver_days',
    `SELECT CAST(d AS DATE) AS date FROM (SELECT unnest(from_json($1::JSON, '["VARCHAR"]')) AS d)`,
    [JSON.stringify(input.silverDays)],
  );
}

async function publishModel(
  input: WarehouseBuildInput,
  model: WarehouseModel,
  sourceFingerprint: string,
  s: ModelBuildSummary,
): Promise<void> {
  const { ws } = input.publish;
  const rel = ws.rel(model.name);
  const now = await rowFingerprints(ws, rel, model.columns, model.partitionColumn);
  const before = input.state.get(model.name) ?? new Map();
  const files = await partitionsWithFiles(ws.lake.dir, model);
  const partitions = [...new Set([...now.keys(), ...before.keys()])].sort();
  for (const partition of partitions) {
    const next = now.get(partition) ?? { fingerprint: 'empty', rows: 0 };
    const prev = before.get(partition);
    s.partitionsBuilt++;
    const record = {
      model: model.name,
      partition,
      sourceFingerprint,
      outputFingerprint: next.fingerprint,
      rows: next.rows,
      buildId: input.buildId,
    };
    const forced = input.forcedDays?.has(partition) ?? false;
    if (!forced && prev?.outputFingerprint === next.fingerprint && files.has(partition)) {
      if (prev.sourceFingerprint !== sourceFingerprint) await recordPartition(input.publish.store, record);
      continue;
    }
    const where = model.partitionColumn === null ? '' : ` WHERE ${ident(model.partitionColumn)} = $1::DATE`;
    await publishPartition(input.publish, {
      ...record,
      model,
      select: `SELECT * FROM ${rel}${where}`,
      selectParams: model.partitionColumn === null ? [] : [partition],
    });
    s.partitionsPublished++;
    s.rowsWritten += next.rows;
  }
}

/** Models with a failed test, and every warehouse model downstream of one. */
function failedWithDownstream(tests: readonly ModelTestResult[]): Set<ModelName> {
  const failed = new Set<ModelName>(tests.filter((t) => t.failing > 0).map((t) => t.model));
  let grew = true;
  while (grew) {
    grew = false;
    for (const m of WAREHOUSE_MODELS)
      if (!failed.has(m.name) && m.upstream.some((u) => failed.has(u))) {
        failed.add(m.name);
        grew = true;
      }
  }
  return failed;
}

const hasOwnFailure = (tests: readonly ModelTestResult[], model: ModelName): boolean =>
  tests.some((t) => t.model === model && t.failing > 0);

function summary(model: ModelName, status: ModelBuildSummary['status']): ModelBuildSummary {
  return { model, status, partitionsBuilt: 0, partitionsPublished: 0, rowsWritten: 0, elapsedMs: 0 };
}
