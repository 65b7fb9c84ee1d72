import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runImport, type EntityName } from '../../src/batch/import/index.js';
import type { ServingStore } from '../../src/store/index.js';
import { IMPORT_CSV } from './marts-golden-data.js';

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
