import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openEmbeddedLog } from '../../src/log/embedded/index.js';
import type { LogRecord } from '../../src/log/event-log.js';

const TOPIC = 'crash';
const KILLS = 5;

/** Runs the appender child, kill -9s it after `runMs` of appending, returns the acked positions. */
async function runAndKill(dir: string, runMs: number): Promise<Array<[number, number]>> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/e2e/helpers/append-forever.ts', dir, TOPIC],
    {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n') && !timerStarted) {
      timerStarted = true;
      setTimeout(() => child.kill('SIGKILL'), runMs);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  let timerStarted = false;
  const exit = await new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  assert.equal(exit, 'SIGKILL', `child ended on its own: ${err}`);
  // Only whole lines count: a line cut by the kill was not reported.
  return out
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.startsWith('acked '))
    .map((l) => l.split(' ').slice(1).map(Number) as [number, number]);
}

async function readAll(dir: string): Promise<LogRecord[][]> {
  const log = await openEmbeddedLog({
    dir,
    mode: 'write',
    fsync: 'always',
    fsyncIntervalMs: 100,
    segmentBytes: 256 * 1024,
    maxRecordBytes: 65536,
  });
  try {
    const info = await log.describeTopic(TOPIC);
    const partitions: LogRecord[][] = [];
    for (const p of info!.partitions) {
      const records: LogRecord[] = [];
      for (let offset = p.firstOffset; offset < p.nextOffset;) {
        const got = await log.read(TOPIC, p.partition, offset, { maxRecords: 5000 });
        records.push(...got);
        offset = got[got.length - 1]!.offset + 1;
      }
      partitions.push(records);
    }
    return partitions;
  } finally {
    await log.close();
  }
}

test(
  'kill -9 while appending: the log reopens clean, offsets dense, every acked record present',
  { timeout: 180_000 },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shopstream-crash-'));
    try {
      const acked: Array<[number, number]> = [];
      for (let k = 0; k < KILLS; k++) {
        acked.push(...(await runAndKill(dir, 150 + Math.floor(Math.random() * 600))));
        const partitions = await readAll(dir);
        partitions.forEach((records, p) => {
          records.forEach((r, i) => assert.equal(r.offset, i, `partition ${p} offsets not dense`));
          for (const r of records) JSON.parse(r.value.toString());
        });
        for (const [partition, offset] of acked) {
          assert.ok(
            offset < partitions[partition]!.length,
            `acked ${partition}/${offset} missing after kill ${k + 1}`,
          );
        }
      }
      assert.ok(acked.length > 0, 'the child acknowledged records');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
