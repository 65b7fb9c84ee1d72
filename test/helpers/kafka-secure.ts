/**
 * The TLS-only test broker (`scripts/kafka.sh start-secure`): an SSL listener that requires a
 * client certificate and a SASL_SSL listener (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), both signed by
 * the script's self-signed CA. Started on first use (idempotent: CI starts it beforehand) and
 * stopped when the test process exits if this process started it. Never skipped.
 */
import { execFile, execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO_ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(REPO_ROOT, 'scripts/kafka.sh');
const START_TIMEOUT_MS = 120_000;

export interface SecureKafka {
  /** Bootstrap of the mutual-TLS listener. */
  readonly sslBootstrap: string;
  /** Bootstrap of the SASL_SSL listener. */
  readonly saslBootstrap: string;
  /** PEM files made by the script. */
  readonly caFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** The SASL user the script created (PLAIN and SCRAM). */
  readonly username: string;
  readonly password: string;
}

let secure: Promise<SecureKafka> | undefined;

export function testSecureKafka(): Promise<SecureKafka> {
  secure ??= startSecure();
  return secure;
}

async function script(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('bash', [SCRIPT, ...args], { timeout: START_TIMEOUT_MS, cwd: REPO_ROOT });
}

async function startSecure(): Promise<SecureKafka> {
  const started = await script('start-secure');
  if (!started.stderr.includes('already running')) {
    process.once('exit', () => {
      execFileSync('bash', [SCRIPT, 'stop-secure'], { stdio: 'ignore', timeout: 60_000 });
    });
  }
  const line = async (...args: string[]) => (await script(...args)).stdout.trim().split('\n').pop() ?? '';
  const tlsDir = await line('tls-dir');
  return {
    sslBootstrap: await line('bootstrap', 'secure'),
    saslBootstrap: await line('bootstrap', 'sasl'),
    caFile: join(tlsDir, 'ca.crt'),
    clientCertFile: join(tlsDir, 'client.crt'),
    clientKeyFile: join(tlsDir, 'client.key'),
    username: process.env['SHOPSTREAM_KAFKA_SECURE_USER'] ?? 'shopstream',
    password: process.env['SHOPSTREAM_KAFKA_SECURE_PASSWORD'] ?? 'shopstream-secret',
  };
}
