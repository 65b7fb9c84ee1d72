import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalLakeStorage } from '../storage/local-storage.js';
import { describeDeltaConcurrency } from './testing/delta-concurrency-suite.js';

// The S3 variant runs in src/lake/storage/s3-storage.test.ts, against the test S3 server.
describeDeltaConcurrency('local folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-delta-race-'));
  const storage = new LocalLakeStorage(dir, { fsync: false });
  return {
    storage,
    cleanup: async () => (await storage.close(), await rm(dir, { recursive: true, force: true })),
  };
});
