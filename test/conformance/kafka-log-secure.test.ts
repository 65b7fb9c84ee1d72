import { readFileSync } from 'node:fs';
import type { EventLog } from '../../src/log/event-log.js';
import type { KafkaLogOptions } from '../../src/log/kafka/index.js';
import { openTestKafkaLog, type TestKafkaLog } from '../helpers/kafka.js';
import { testSecureKafka } from '../helpers/kafka-secure.js';
import { eventLogConformance, type EventLogHarness } from './event-log-suite.js';

const MAX_RECORD_BYTES = 256 * 1024;

/**
 * The whole event-log suite over the SASL_SSL listener of the TLS-only broker (SCRAM-SHA-512,
 * broker verified against the script's CA): encryption and authentication change nothing the port
 * promises.
 */
async function secureHarness(): Promise<EventLogHarness> {
  const broker = await testSecureKafka();
  const options: Partial<KafkaLogOptions> = {
    brokers: [broker.saslBootstrap],
    maxRecordBytes: MAX_RECORD_BYTES,
    tls: { ca: readFileSync(broker.caFile, 'utf8') },
    sasl: { mechanism: 'SCRAM-SHA-512', username: broker.username, password: broker.password },
  };
  const created = new Set<string>();
  const open = (): Promise<TestKafkaLog> => openTestKafkaLog(options, created);
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

eventLogConformance('kafka over SASL_SSL (SCRAM-SHA-512)', secureHarness);
