import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { openEmbeddedLog } from '../../../src/log/embedded/index.js';
import { RAW_TOPIC } from '../../../src/log/event-log.js';
import { readAll } from '../../../src/log/testing/read-all.js';
import { spawnCli } from '../../helpers/cli.js';

export interface RunningCollector {
  readonly child: ChildProcess;
  readonly baseUrl: string;
}

/** Starts `shopstream run --role collector` on a free port and waits until it listens. */
export async function startCollectorProcess(
  dataDir: string,
  env: Readonly<Record<string, string>> = {},
): Promise<RunningCollector> {
  const child = spawnCli(['run', '--role', 'collector'], {
    dataDir,
    env: { SHOPSTREAM_COLLECTOR_PORT: '0', ...env },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`collector exited ${code} before listening: ${stderr}`)));
  });
  return { child, baseUrl };
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

/** event_id of every raw-topic record of the embedded log under dataDir, in log order. */
export async function eventIdsInLog(dataDir: string): Promise<string[]> {
  const log = await openEmbeddedLog({
    dir: join(dataDir, 'log'),
    mode: 'read',
    fsync: 'never',
    fsyncIntervalMs: 200,
    segmentBytes: 64 * 1024 * 1024,
    maxRecordBytes: 1024 * 1024,
  });
  try {
    return (await readAll(log, RAW_TOPIC)).map(
      (r) => (JSON.parse(r.value.toString('utf8')) as { event_id: string }).event_id,
    );
  } finally {
    await log.close();
  }
}
