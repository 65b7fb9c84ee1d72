/**
 * A private single-node Kafka broker for one distributed e2e test file: its own run folder (the
 * jars are shared with `scripts/kafka.sh`'s cache) and its own port, so a test may restart it, and
 * use the fixed raw topic name, without disturbing other suites that share the default broker.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
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

export async function startPrivateBroker(): Promise<PrivateBroker> {
  const jars = await kafkaJarsDir();
  const home = mkdtempSync(join(tmpdir(), 'shopstream-kafka-'));
  symlinkSync(jars, join(home, 'jars'));
  const port = await freePortPair();
  const env = {
    ...process.env,
    SHOPSTREAM_KAFKA_HOME: home,
    SHOPSTREAM_KAFKA_PORT: String(port),
    SHOPSTREAM_KAFKA_HEAP: '384m',
    HOME: homedir(),
  };
  const script = (command: string) =>
    run('bash', [SCRIPT, command], { env, timeout: SCRIPT_TIMEOUT_MS, cwd: REPO_ROOT });
  const broker: PrivateBroker = {
    bootstrap: `127.0.0.1:${port}`,
    start: async () => void (await script('start')),
    stop: async () => void (await script('stop')),
    async destroy() {
      await script('stop').catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
  try {
    await broker.start();
  } catch (err) {
    await broker.destroy();
    throw err;
  }
  return broker;
}

/** A free port whose successor (the controller port) is free too. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await listenOnce(0);
    if (
      port < 65535 &&
      (await listenOnce(port + 1).then(
        () => true,
        () => false,
      ))
    )
      return port;
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
