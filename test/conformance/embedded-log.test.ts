import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLog } from '../../src/log/event-log.js';
import { openEmbeddedLog } from '../../src/log/embedded/index.js';
import { eventLogConformance, type EventLogHarness } from './event-log-suite.js';

const MAX_RECORD_BYTES = 256 * 1024;

async function embeddedHarness(segmentBytes: number): Promise<EventLogHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-conformance-'));
  const open = (): Promise<EventLog> =>
    openEmbeddedLog({
      dir,
      mode: 'write',
      fsync: 'always',
      fsyncIntervalMs: 100,
      segmentBytes,
      maxRecordBytes: MAX_RECORD_BYTES,
    });
  let log = await open();
  return {
    get log() {
      return log;
    },
    maxRecordBytes: MAX_RECORD_BYTES,
    async reopen() {
      await log.close();
      log = await open();
      return log;
    },
    async cleanup() {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

eventLogConformance('embedded', () => embeddedHarness(64 * 1024 * 1024));
// Tiny segments: every read and reopen crosses many segment files.
eventLogConformance('embedded, 2 KiB segments', () => embeddedHarness(2048));
