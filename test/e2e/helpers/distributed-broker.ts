/**
 * A private single-node Kafka broker for one distributed e2e test file: its own run folder (the
 * jars are shared with `scripts/kafka.sh`'s cache) and its own port, so a test may restart it, and
 * use the fixed raw topic name, without disturbing other suites that share the default broker.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { kafkaJarsDir } from '../../helpers/kafka.js';

const run = promisify(execFile);
const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const SCRIPT = join(REPO_ROOT, 'scripts/kafka.sh');
const SCRIPT_TIMEOUT_MS = 120_000;

export interface PrivateBroker {
  readonly bootstrap: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the broker and deletes its data. */
  destroy(): Promise<void>;
}

/** A private copy of scripts/kafka.sh's home (own run folder, shared jars) and a runner for it. */
async function privateKafkaHome(
  label: string,
  settings: Record<string, string>,
): Promise<{ home: string; script: (...args: string[]) => Promise<unknown> }> {
  const jars = await kafkaJarsDir();
  const home = mkdtempSync(join(tmpdir(), `shopstream-${label}-`));
  symlinkSync(jars, join(home, 'jars'));
  const env = { ...process.env, ...settings, SHOPSTREAM_KAFKA_HOME: home, HOME: homedir() };
  const script = (...args: string[]) =>
    run('bash', [SCRIPT, ...args], { env, timeout: SCRIPT_TIMEOUT_MS * 2, cwd: REPO_ROOT });
  return { home, script };
}

/** Runs `start`; on failure removes the home (stopping whatever started) and rethrows. */
async function startOrClean<T extends { destroy(): Promise<void> }>(
  target: T,
  start: () => Promise<unknown>,
): Promise<T> {
  try {
    await start();
  } catch (err) {
    await target.destroy();
    throw err;
  }
  return target;
}

export async function startPrivateBroker(): Promise<PrivateBroker> {
  const port = await freePorts([1]); // controller = port + 1
  const { home, script } = await privateKafkaHome('kafka', {
    SHOPSTREAM_KAFKA_PORT: String(port),
    SHOPSTREAM_KAFKA_HEAP: '384m',
  });
  const broker: PrivateBroker = {
    bootstrap: `127.0.0.1:${port}`,
    start: async () => void (await script('start')),
    stop: async () => void (await script('stop')),
    async destroy() {
      await script('stop').catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
  return startOrClean(broker, () => broker.start());
}

/** A free port P such that P + each of `offsets` is free too (controller and node ports). */
async function freePorts(offsets: readonly number[]): Promise<number> {
  for (;;) {
    const port = await listenOnce(0);
    if (port + Math.max(...offsets) > 65_535) continue;
    const free = await Promise.all(
      offsets.map((o) =>
        listenOnce(port + o).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (free.every(Boolean)) return port;
  }
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolvePort(bound));
    });
  });
}

export interface PrivateCluster {
  /** The three client addresses, comma-separated. */
  readonly bootstrap: string;
  /** Node ids 1..3, as the brokers know them (`node.id`). */
  killNode(nodeId: number): void;
  startNode(nodeId: number): Promise<void>;
  /** Stops every node and deletes the cluster's data. */
  destroy(): Promise<void>;
}

/**
 * A private 3-node KRaft cluster (`scripts/kafka.sh start-cluster`: every node broker and
 * controller, replication 3, min.insync.replicas 2) in its own run folder and on free ports, for
 * failover tests. `killNode` is `kill -9` of the node's JVM, read from the script's pid file.
 */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const port = await freePorts([1, 2, 10, 11, 12]); // nodes +0..2, controllers +10..12
  const { home, script } = await privateKafkaHome('kafka-cluster', {
    SHOPSTREAM_KAFKA_CLUSTER_PORT: String(port),
    SHOPSTREAM_KAFKA_HEAP: '320m',
    SHOPSTREAM_KAFKA_READY_TIMEOUT_S: '120',
  });
  const cluster: PrivateCluster = {
    bootstrap: [0, 1, 2].map((i) => `127.0.0.1:${port + i}`).join(','),
    killNode(nodeId) {
      const pid = Number(readFileSync(join(home, 'run', `cluster-${nodeId}`, 'kafka.pid'), 'utf8').trim());
      process.kill(pid, 'SIGKILL');
    },
    startNode: async (nodeId) => void (await script('start-node', String(nodeId))),
    async destroy() {
      await script('stop').catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
  return startOrClean(cluster, () => script('start-cluster'));
}
