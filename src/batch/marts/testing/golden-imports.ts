import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runImport, type EntityName } from '../../import/index.js';
import type { ServingStore } from '../../../store/index.js';
import { openLake, type Lake } from '../../../lake/index.js';
import { buildMarts } from '../build-marts.js';
import { IMPORT_CSV, INITIAL, LATE, writeSilverEvents } from './golden-data.js';

const OPTIONS = { maxFileBytes: 1 << 20, maxValueChars: 1024, batchRows: 100, sourceFetchRows: 100 };

/**
 * The golden imported history, through the importer (CSV files written to `dir`). Orders skip the
 * referential check: o5's customer uC is a streamed buyer that no build has put in dim_customers yet.
 */
export async function seedGoldenImports(store: ServingStore, dir: string): Promise<void> {
  for (const entity of ['customers', 'products', 'orders'] as EntityName[]) {
    const path = join(dir, `${entity}.csv`);
    await writeFile(path, IMPORT_CSV[entity]);
    const result = await runImport(
      { store, options: OPTIONS },
      { entity, source: { kind: 'file', path, format: 'csv' }, refChecks: entity !== 'orders' },
    );
    assert.equal(result.invalid, 0, JSON.stringify(result.reasons));
  }
}

/**
 * The whole golden set in a store and a lake folder: imports, the initial Silver, a first build,
 * the late events and a second build (what the API and dashboard tests show).
 */
export async function buildGoldenMarts(store: ServingStore, dir: string): Promise<Lake> {
  const lake = await openLake({ dir: join(dir, 'lake'), fsync: false });
  await seedGoldenImports(store, dir);
  const options = { sessionTimeoutMinutes: 30, topProducts: 5, publishBatchRows: 1000, fsync: false };
  await writeSilverEvents(lake, INITIAL, 0);
  await buildMarts({ lake, store, options });
  await writeSilverEvents(lake, LATE, INITIAL.length);
  const build = await buildMarts({ lake, store, options });
  assert.equal(build.status, 'ok');
  return lake;
}
