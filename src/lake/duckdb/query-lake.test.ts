import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isShopError } from '../../errors/index.js';
import { openLake, type Lake } from './open-lake.js';
import { queryLake } from './query-lake.js';

describe('bounded lake queries (the API reader)', () => {
  let dir: string;
  let lake: Lake;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shop-query-'));
    lake = await openLake({ dir, readOnly: true, memoryLimitMb: 64, threads: 1, queryTimeoutMs: 200 });
  });
  after(async () => {
    await lake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('interrupts a query past the timeout with a retryable coded error, and keeps serving', async () => {
    const t0 = performance.now();
    await assert.rejects(
      queryLake(lake, 'SELECT count(*) FROM range(1000000000000) t(i) WHERE i % 7 = 3'),
      (err) => isShopError(err, 'SHOP_LAKE_QUERY_TIMEOUT') && err.canRetry,
    );
    assert.ok(performance.now() - t0 < 5_000, 'interrupted, not run to the end');
    assert.deepEqual(await queryLake(lake, 'SELECT 42 AS answer'), [{ answer: 42 }]);
  });

  it('fails a query over the memory limit with a coded error instead of growing the process', async () => {
    // No timeout here: on a busy machine the query must reach the limit, not the deadline.
    const limited = await openLake({ dir, readOnly: true, memoryLimitMb: 64, threads: 1 });
    try {
      await assert.rejects(
        queryLake(limited, 'SELECT list(i) AS l FROM range(50000000) t(i)'),
        (err) => isShopError(err, 'SHOP_LAKE_QUERY_FAILED') && /memory/i.test(err.message),
      );
      assert.deepEqual(await queryLake(limited, 'SELECT 1 AS one'), [{ one: 1 }]);
    } finally {
      await limited.close();
    }
  });
});
