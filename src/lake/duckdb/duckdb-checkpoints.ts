import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint } from '../delta/delta-checkpoint.js';
import type { CheckpointIo } from '../delta/delta-table.js';
import type { LakeStorage } from '../storage/lake-storage.js';

/**
 * Checkpoint IO through DuckDB's Parquet writer and reader: on a local storage the checkpoint is
 * written in place (temporary name, rename); on object storage it goes through a temporary file.
 */
export function duckdbCheckpoints(connect: () => Promise<DuckDBConnection>): CheckpointIo {
  const withConnection = async <T>(work: (c: DuckDBConnection) => Promise<T>): Promise<T> => {
    const connection = await connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  };
  const withTempFile = async <T>(work: (path: string) => Promise<T>): Promise<T> => {
    const dir = await mkdtemp(join(tmpdir(), 'shopstream-checkpoint-'));
    try {
      return await work(join(dir, 'checkpoint.parquet'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  return {
    write: (storage: LakeStorage, key, state) =>
      withConnection(async (connection) => {
        const local = storage.localPath(key);
        if (local !== null) return writeCheckpoint(connection, state, local);
        return withTempFile(async (path) => {
          const size = await writeCheckpoint(connection, state, path);
          await storage.writeFile(key, path);
          return size;
        });
      }),
    read: (storage: LakeStorage, key) =>
      withConnection(async (connection) => {
        const local = storage.localPath(key);
        if (local !== null) return readCheckpoint(connection, local);
        const bytes = await storage.read(key);
        if (bytes === null) throw new Error(`checkpoint ${key} is missing`);
        return withTempFile(async (path) => {
          await writeFile(path, bytes);
          return readCheckpoint(connection, path);
        });
      }),
  };
}
