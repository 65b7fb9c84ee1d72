import type { EventLog } from '../../src/log/event-log.js';
import { openTestKafkaLog, type TestKafkaLog } from '../helpers/kafka.js';
import { eventLogConformance, type EventLogHarness } from './event-log-suite.js';

const MAX_RECORD_BYTES = 256 * 1024;

/** A harness over the test broker: reopen() is a new client on the same cluster. */
async function kafkaHarness(): Promise<EventLogHarness> {
  const created = new Set<string>();
  const open = (): Promise<TestKafkaLog> => openTestKafkaLog({ maxRecordBytes: MAX_RECORD_BYTES }, created);
  let current = await open();
  return {
    get log(): EventLog {
      return current.log;
    },
    maxRecordBytes: MAX_RECORD_BYTES,
    async reopen() {
      await current.log.close();
      current = await open();
      return current.log;
    },
    async cleanup() {
      await current.cleanup();
    },
  };
}

eventLogConformance('kafka', kafkaHarness);
