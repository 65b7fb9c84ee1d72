import { ShopError } from '../../errors/index.js';
import type {
  AddAction,
  MetaDataAction,
  ProtocolAction,
  RemoveAction,
  TableState,
  TxnAction,
} from './delta-actions.js';

/** One checkpoint row: exactly one action column set. Undefined fields are written as NULL. */
type CheckpointRow =
  | { readonly protocol: ProtocolAction }
  | { readonly metaData: MetaDataAction }
  | { readonly txn: TxnAction }
  | { readonly add: AddAction }
  | { readonly remove: RemoveAction };

/**
 * The rows of a checkpoint of `state`: protocol, metaData, every txn, every live add, every
 * tombstone. Only the checkpoint's fields are copied, so fields an action picked up elsewhere
 * (another writer's commit) never reach the file.
 */
export function checkpointRowsOf(state: TableState): CheckpointRow[] {
  const { protocol: p, metaData: m } = state;
  const rows: CheckpointRow[] = [
    { protocol: { minReaderVersion: p.minReaderVersion, minWriterVersion: p.minWriterVersion } },
    {
      metaData: {
        id: m.id,
        name: m.name,
        description: m.description,
        format: { provider: m.format.provider, options: m.format.options },
        schemaString: m.schemaString,
        partitionColumns: m.partitionColumns,
        createdTime: m.createdTime,
        configuration: m.configuration,
      },
    },
  ];
  for (const t of state.txns.values()) {
    rows.push({ txn: { appId: t.appId, version: t.version, lastUpdated: t.lastUpdated } });
  }
  for (const a of state.files.values()) {
    const { path, partitionValues, size, modificationTime, dataChange, stats, tags } = a;
    rows.push({ add: { path, partitionValues, size, modificationTime, dataChange, stats, tags } });
  }
  for (const r of state.tombstones.values()) {
    const { path, deletionTimestamp, dataChange, extendedFileMetadata, partitionValues, size } = r;
    rows.push({
      remove: { path, deletionTimestamp, dataChange, extendedFileMetadata, partitionValues, size },
    });
  }
  return rows;
}

type Json = Record<string, unknown>;

const invalid = (where: string, message: string): ShopError =>
  new ShopError('SHOP_LAKE_LOG_INVALID', `checkpoint ${where}: ${message}`, { details: { key: where } });

/** The `required` fields (present and not null) and the non-null `optional` ones of an action. */
function pick(
  kind: string,
  raw: Json,
  required: readonly string[],
  optional: readonly string[],
  where: string,
): Json {
  const out: Json = {};
  for (const name of required) {
    if (raw[name] === null || raw[name] === undefined)
      throw invalid(where, `a ${kind} action has no ${name}`);
    out[name] = raw[name];
  }
  for (const name of optional) if (raw[name] !== null && raw[name] !== undefined) out[name] = raw[name];
  return out;
}

const ADD_REQUIRED = ['path', 'partitionValues', 'size', 'modificationTime', 'dataChange'] as const;
const REMOVE_OPTIONAL = ['extendedFileMetadata', 'partitionValues', 'size'] as const;

function metaDataOf(raw: Json, where: string): MetaDataAction {
  const m = pick('metaData', raw, ['id', 'schemaString'], ['name', 'description', 'createdTime'], where);
  const format = (raw['format'] ?? {}) as {
    provider?: string | null;
    options?: Record<string, string> | null;
  };
  if (format.provider !== 'parquet')
    throw invalid(where, `data files are ${String(format.provider)}, not parquet`);
  return {
    ...(m as { id: string; schemaString: string }),
    format: { provider: 'parquet', options: format.options ?? {} },
    partitionColumns: (raw['partitionColumns'] ?? []) as string[],
    configuration: (raw['configuration'] ?? {}) as Record<string, string>,
  };
}

function removeOf(raw: Json, where: string): RemoveAction {
  const r = pick('remove', raw, ['path', 'dataChange'], REMOVE_OPTIONAL, where);
  // A tombstone without a deletion time is expired (as Spark's `delTimestamp`: 0).
  return {
    ...(r as Omit<RemoveAction, 'deletionTimestamp'>),
    deletionTimestamp: Number(raw['deletionTimestamp'] ?? 0),
  };
}

/** The table state of the rows of a checkpoint (each `to_json` of one Parquet row); `where` names it in errors. */
export function stateOfCheckpointRows(rows: readonly unknown[], where: string): Omit<TableState, 'version'> {
  let protocol: ProtocolAction | undefined;
  let metaData: MetaDataAction | undefined;
  const files = new Map<string, AddAction>();
  const tombstones = new Map<string, RemoveAction>();
  const txns = new Map<string, TxnAction>();
  for (const row of rows as Json[]) {
    if (row['sidecar'] != null) throw invalid(where, 'V2 checkpoints with sidecar files are not supported');
    const add = row['add'] as Json | null | undefined;
    const remove = row['remove'] as Json | null | undefined;
    const txn = row['txn'] as Json | null | undefined;
    if (add != null) {
      const a = pick('add', add, ADD_REQUIRED, ['stats', 'tags'], where) as unknown as AddAction;
      files.set(a.path, a);
    } else if (remove != null) {
      const r = removeOf(remove, where);
      tombstones.set(r.path, r);
    } else if (txn != null) {
      const t = pick('txn', txn, ['appId', 'version'], ['lastUpdated'], where) as unknown as TxnAction;
      txns.set(t.appId, t);
    } else if (row['metaData'] != null) {
      if (metaData !== undefined) throw invalid(where, 'more than one metaData action');
      metaData = metaDataOf(row['metaData'] as Json, where);
    } else if (row['protocol'] != null) {
      if (protocol !== undefined) throw invalid(where, 'more than one protocol action');
      const p = pick(
        'protocol',
        row['protocol'] as Json,
        ['minReaderVersion', 'minWriterVersion'],
        [],
        where,
      );
      protocol = p as unknown as ProtocolAction;
    }
  }
  if (protocol === undefined || metaData === undefined)
    throw invalid(where, 'no protocol or metaData action');
  return { protocol, metaData, files, tombstones, txns };
}
