import type { AddAction, DeltaAction, MetaDataAction } from '../delta-actions.js';

/** The metaData of a one-column (`n: long`), unpartitioned test table. */
export const oneColumnMetaData = (id: string): MetaDataAction => ({
  id,
  format: { provider: 'parquet', options: {} },
  schemaString: JSON.stringify({
    type: 'struct',
    fields: [{ name: 'n', type: 'long', nullable: true, metadata: {} }],
  }),
  partitionColumns: [],
  configuration: {},
  createdTime: 0,
});

export const PROTOCOL_1_2 = { minReaderVersion: 1, minWriterVersion: 2 };

/** An `add` of a 100-byte file without stats. */
export const addFile = (path: string): DeltaAction => ({
  add: { path, partitionValues: {}, size: 100, modificationTime: 0, dataChange: true } satisfies AddAction,
});

/** A `remove` (compaction: dataChange false) at `atMs`. */
export const removeFile = (path: string, atMs = 0): DeltaAction => ({
  remove: { path, deletionTimestamp: atMs, dataChange: false },
});
