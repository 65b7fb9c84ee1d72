import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openLake, type Lake } from '../../src/lake/index.js';
import { TOPIC, silverRow } from '../../src/lake/testing/lake-row-fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const T0 = Date.parse('2026-01-24T13:00:00Z');
const BATCH = 1000;

async function writeBatch(lake: Lake, b: number): Promise<void> {
  const rows = Array.from({ length: BATCH }, (_, i) => silverRow(b * BATCH + i, T0 + (b * BATCH + i) * 10));
  await lake.writeSilver(rows, {
    topic: TOPIC,
    partition: 0,
    fromOffset: b * BATCH,
    toOffset: (b + 1) * BATCH - 1,
  });
}

describe('shopstream lake sql', () => {
  let dataDir: string;
  let lake: Lake;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'shop-lake-cli-'));
    lake = await openLake({ dir: join(dataDir, 'lake') });
  });
  after(async () => {
    await lake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers over an empty lake with the empty views', async () => {
    const run = await runCli(['--data-dir', dataDir, 'lake', 'sql', 'SELECT count(*) AS n FROM bronze']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '{"n":0}\n');
  });

  it('prints one JSON object per row, timestamps in ISO UTC', async () => {
    await writeBatch(lake, 0);
    const sql =
      'SELECT event_type, count(*) AS n, min(event_time) AS first FROM silver GROUP BY 1 ORDER BY 1';
    const run = await runCli(['--data-dir', dataDir, 'lake', 'sql', sql]);
    assert.equal(run.status, 0, run.stderr);
    const rows = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rows.length, 5);
    assert.deepEqual(rows[0], { event_type: 'add_to_cart', n: 200, first: '2026-01-24T13:00:00.010Z' });
  });

  it('fails with SHOP_LAKE_QUERY_FAILED and exit code 1 on bad SQL, 2 on a missing argument', async () => {
    const bad = await runCli(['--data-dir', dataDir, 'lake', 'sql', 'SELECT nope FROM silver']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /SHOP_LAKE_QUERY_FAILED: .*nope/);
    assert.equal(bad.stdout, '');
    const missing = await runCli(['--data-dir', dataDir, 'lake', 'sql']);
    assert.equal(missing.status, 2);
  });

  it('sees whole files only while another process writes', async () => {
    let writing = true;
    const writer = (async () => {
      for (let b = 1; writing && b < 200; b++) await writeBatch(lake, b);
    })();
    try {
      for (let i = 0; i < 4; i++) {
        const run = await runCli([
          '--data-dir',
          dataDir,
          'lake',
          'sql',
          'SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM silver',
        ]);
        assert.equal(run.status, 0, run.stderr);
        const { n, d } = JSON.parse(run.stdout) as { n: number; d: number };
        assert.equal(n % BATCH, 0, `partial file visible: ${n} rows`);
        assert.equal(d, n);
      }
    } finally {
      writing = false;
      await writer;
    }
  });
});
