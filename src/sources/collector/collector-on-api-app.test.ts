import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openTestApi } from '../../api/testing/open-test-api.js';
import { openEmbeddedLog } from '../../log/embedded/index.js';
import { RAW_TOPIC } from '../../log/event-log.js';
import { createLogger } from '../../observability/logger.js';
import { collectorDepsFromConfig } from './collector-deps-from-config.js';
import { collectorPlugin } from './collector-plugin.js';

test('mounted on the API app (as in `start`): collector routes use their own parsers and limits, API routes are untouched', async () => {
  const api = await openTestApi({ api: { rateLimitPerMin: 2, bodyLimitBytes: 1024 } });
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-collector-api-'));
  const log = await openEmbeddedLog({
    dir,
    mode: 'write',
    fsync: 'never',
    fsyncIntervalMs: 200,
    segmentBytes: 1024 * 1024,
    maxRecordBytes: 1024 * 1024,
  });
  try {
    await log.ensureTopic({ name: RAW_TOPIC, partitions: 2 });
    await api.app.register(
      collectorPlugin,
      collectorDepsFromConfig(api.config, log, createLogger('test', 'silent')),
    );
    const batch = {
      batch: Array.from({ length: 20 }, (_, i) => ({
        type: 'track',
        event: 'Product Clicked',
        anonymousId: `a${i}`,
        properties: { product_id: 'p', pad: 'x'.repeat(100) },
      })),
    };
    for (let i = 0; i < 4; i++) {
      const res = await api.app.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify(batch),
      });
      assert.equal(res.statusCode, 200, 'not limited by api.rateLimitPerMin nor api.bodyLimitBytes');
    }
    const info = await log.describeTopic(RAW_TOPIC);
    assert.equal(
      info!.partitions.reduce((n, p) => n + p.nextOffset, 0),
      80,
    );
    assert.equal((await api.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  } finally {
    await api.close();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
});
