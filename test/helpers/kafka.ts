/**
 * A real Kafka broker for tests. `SHOPSTREAM_TEST_KAFKA_BOOTSTRAP` names one (CI starts it with
 * `scripts/kafka.sh start`); without it the helper runs `scripts/kafka.sh start` itself and stops
 * the broker when the test process exits, if it was the one that started it. Tests never skip for
 * want of a broker: a broker that cannot be started is a failure.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Admin } from '@platformatic/kafka';
import type { EventLog, TopicSpec } from '../../src/log/event-log.js';
import { openKafkaLog, type KafkaLogOptions } from '../../src/log/kafka/index.js';

const run = promisify(execFile);
const REPO_ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(REPO_ROOT, 'scripts/kafka.sh');
/** JVM start, storage format and broker start-up on a busy 2-core machine. */
const START_TIMEOUT_MS = 120_000;

let bootstrap: Promise<string> | undefined;

/** Bootstrap servers of the test broker (started on first use when the env var is not set). */
export function testKafkaBootstrap(): Promise<string> {
  bootstrap ??= resolveBootstrap();
  return bootstrap;
}

async function resolveBootstrap(): Promise<string> {
  const given = process.env['SHOPSTREAM_TEST_KAFKA_BOOTSTRAP']?.trim();
  if (given) return given;
  const { stdout, stderr } = await run('bash', [SCRIPT, 'start'], {
    timeout: START_TIMEOUT_MS,
    cwd: REPO_ROOT,
  });
  if (!stderr.includes('already running')) {
    process.once('exit', () => {
      execFileSync('bash', [SCRIPT, 'stop'], { stdio: 'ignore', timeout: 60_000 });
    });
  }
  const servers = stdout.trim().split('\n').pop() ?? '';
  if (!/^[\w.-]+:\d+/.test(servers))
    throw new Error(`scripts/kafka.sh start printed no bootstrap servers: ${stdout}`);
  return servers;
}

/** Folder of the Kafka jars (installed on demand), for tests that run Java Kafka tools. */
export async function kafkaJarsDir(): Promise<string> {
  await run('bash', [SCRIPT, 'install'], { timeout: START_TIMEOUT_MS, cwd: REPO_ROOT });
  const home = process.env['SHOPSTREAM_KAFKA_HOME'] ?? join(homedir(), '.cache/shopstream/kafka');
  return join(home, 'jars');
}

/** A topic name no other test uses. */
export function uniqueTopic(label: string): string {
  return `test-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface TestKafkaLog {
  readonly log: EventLog;
  readonly brokers: string[];
  /** Closes the log and deletes every topic created through it. */
  cleanup(): Promise<void>;
}

/**
 * Opens the Kafka adapter against the test broker. Topics created through the returned log are
 * recorded and deleted by cleanup(); `created` lets several logs (reopen) share one record.
 */
export async function openTestKafkaLog(
  options: Partial<KafkaLogOptions> = {},
  created = new Set<string>(),
): Promise<TestKafkaLog> {
  const brokers =
    options.brokers === undefined ? (await testKafkaBootstrap()).split(',') : [...options.brokers];
  const inner = await openKafkaLog({ brokers, requestTimeoutMs: 15_000, ...options });
  const log = recordingTopics(inner, created);
  return {
    log,
    brokers,
    async cleanup() {
      await inner.close();
      await deleteTestTopics(brokers, [...created], options);
    },
  };
}

/** The same log, noting the name of every topic ensureTopic is asked for. */
function recordingTopics(inner: EventLog, created: Set<string>): EventLog {
  return {
    kind: inner.kind,
    ensureTopic: (spec: TopicSpec) => {
      created.add(spec.name);
      return inner.ensureTopic(spec);
    },
    listTopics: () => inner.listTopics(),
    describeTopic: (topic) => inner.describeTopic(topic),
    append: (topic, records) => inner.append(topic, records),
    read: (topic, partition, offset, options) => inner.read(topic, partition, offset, options),
    commitGroupOffsets: (group, topic, offsets) => inner.commitGroupOffsets(group, topic, offsets),
    groupOffsets: (group, topic) => inner.groupOffsets(group, topic),
    close: () => inner.close(),
  };
}

/** Deletes topics (missing ones are ignored); `security` = the TLS and SASL of the log that made them. */
export async function deleteTestTopics(
  brokers: string[],
  topics: string[],
  security: Pick<KafkaLogOptions, 'tls' | 'sasl'> = {},
): Promise<void> {
  if (topics.length === 0) return;
  const tls = security.tls === true ? {} : security.tls === false ? undefined : security.tls;
  const admin = new Admin({
    clientId: 'shopstream-test-cleanup',
    bootstrapBrokers: brokers,
    ...(tls === undefined
      ? {}
      : { tls: { ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName } }),
    ...(security.sasl === undefined ? {} : { sasl: { ...security.sasl } }),
  });
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((t) => existing.has(t));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  } finally {
    await admin.close();
  }
}
