import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLake } from './duckdb/open-lake.js';
import type { LakeCompression, LakeTableName } from './lake-table.js';
import { TOPIC, bronzeRow, quarantineRow, silverRow } from './testing/lake-row-fixtures.js';

/**
 * Measures lake write throughput per table: batches of realistic rows (full contract events,
 * ~300-byte Bronze raw JSON) written to a temporary lake folder, wall clock per table.
 * Run: `npx tsx src/lake/lake-write-benchmark.ts [batchRows] [batches] [zstd|snappy]`.
 */
export interface LakeWriteBenchResult {
  readonly table: LakeTableName;
  readonly rows: number;
  readonly elapsedMs: number;
  readonly rowsPerSec: number;
  /** Rows per second of process CPU time (JS thread + DuckDB threads): stable on a busy machine. */
  readonly rowsPerCpuSec: number;
}

const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

export async function benchLakeWrites(
  batchRows: number,
  batches: number,
  compression: LakeCompression,
): Promise<LakeWriteBenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'shop-lake-bench-'));
  const lake = await openLake({ dir, compression });
  const t0 = Date.parse('2026-01-24T13:00:00Z');
  const make = {
    bronze: (i: number) => bronzeRow(i, t0 + i),
    silver: (i: number) => silverRow(i, t0 + i),
    quarantine: (i: number) => quarantineRow(i, t0 + i, ['missing_user_id', 'bad_event_time']),
  };
  const results: LakeWriteBenchResult[] = [];
  try {
    for (const table of ['bronze', 'silver', 'quarantine'] as const) {
      const data = Array.from({ length: batches }, (_, b) =>
        Array.from({ length: batchRows }, (_, i) => make[table](b * batchRows + i)),
      );
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      for (let b = 0; b < batches; b++) {
        const key = {
          topic: TOPIC,
          partition: 0,
          fromOffset: b * batchRows,
          toOffset: (b + 1) * batchRows - 1,
        };
        if (table === 'bronze') await lake.writeBronze(data[b] as ReturnType<typeof bronzeRow>[], key);
        else if (table === 'silver') await lake.writeSilver(data[b] as ReturnType<typeof silverRow>[], key);
        else await lake.writeQuarantine(data[b] as ReturnType<typeof quarantineRow>[], key);
      }
      const elapsedMs = performance.now() - start;
      const cpuMs = cpuMsSince(cpuStart);
      const rows = batchRows * batches;
      results.push({
        table,
        rows,
        elapsedMs: Math.round(elapsedMs),
        rowsPerSec: Math.round((rows / elapsedMs) * 1000),
        rowsPerCpuSec: Math.round((rows / cpuMs) * 1000),
      });
    }
  } finally {
    await lake.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

export interface LakeEventBenchResult {
  readonly events: number;
  readonly elapsedMs: number;
  readonly eventsPerSec: number;
  readonly eventsPerCpuSec: number;
}

/**
 * The processor's pattern: per batch of events, Bronze (every record), Silver (99%) and
 * quarantine (1%) written concurrently (`Promise.all`), so one table's Parquet encoding (DuckDB
 * threads) overlaps the next table's staging (JS thread).
 */
export async function benchLakeEventBatches(
  batchEvents: number,
  batches: number,
  compression: LakeCompression,
): Promise<LakeEventBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'shop-lake-bench-'));
  const lake = await openLake({ dir, compression });
  const t0 = Date.parse('2026-01-24T13:00:00Z');
  try {
    const data = Array.from({ length: batches }, (_, b) => {
      const offsets = Array.from({ length: batchEvents }, (_, i) => b * batchEvents + i);
      return {
        bronze: offsets.map((o) => bronzeRow(o, t0 + o)),
        silver: offsets.filter((o) => o % 100 !== 0).map((o) => silverRow(o, t0 + o)),
        quarantine: offsets
          .filter((o) => o % 100 === 0)
          .map((o) => quarantineRow(o, t0 + o, ['missing_user_id'])),
      };
    });
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let b = 0; b < batches; b++) {
      const key = {
        topic: TOPIC,
        partition: 0,
        fromOffset: b * batchEvents,
        toOffset: (b + 1) * batchEvents - 1,
      };
      const batch = data[b]!;
      await Promise.all([
        lake.writeBronze(batch.bronze, key),
        lake.writeSilver(batch.silver, key),
        lake.writeQuarantine(batch.quarantine, key),
      ]);
    }
    const elapsedMs = performance.now() - start;
    const cpuMs = cpuMsSince(cpuStart);
    const events = batchEvents * batches;
    return {
      events,
      elapsedMs: Math.round(elapsedMs),
      eventsPerSec: Math.round((events / elapsedMs) * 1000),
      eventsPerCpuSec: Math.round((events / cpuMs) * 1000),
    };
  } finally {
    await lake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('lake-write-benchmark.ts')) {
  const [batchRows = '50000', batches = '4', compression = 'zstd'] = process.argv.slice(2);
  for (const r of await benchLakeWrites(Number(batchRows), Number(batches), compression as LakeCompression)) {
    process.stdout.write(JSON.stringify(r) + '\n');
  }
  process.stdout.write(
    JSON.stringify(
      await benchLakeEventBatches(Number(batchRows), Number(batches), compression as LakeCompression),
    ) + '\n',
  );
}
