import { EMPTY_VERSION, type Lake } from '../../lake/index.js';
import { resetGold } from '../../store/reset-gold.js';
import type { ServingStore } from '../../store/index.js';
import { processorLake, processorStore } from '../processor/processor-adapters.js';
import type { ProcessorLake } from '../processor/processor-ports.js';
import { StreamProcessor, type StreamProcessorOptions } from '../processor/stream-processor.js';
import { BronzeEventLog } from './bronze-event-log.js';

export interface ReplayResult {
  readonly records: number;
  /** The Bronze Delta version read (null: Bronze had no commit). */
  readonly bronzeVersion: number | null;
  readonly removedFiles: number;
  readonly elapsedMs: number;
}

/**
 * Rebuilds Silver, quarantine and Gold from Bronze (after a rule change): (1) delete every Silver
 * and quarantine file, (2) empty Gold and the accounting and rewind the positions in one
 * transaction, (3) run the processor over Bronze with the current rules, writing Silver,
 * quarantine and Gold but never Bronze (immutable). A crash mid-replay leaves a consistent
 * prefix; running replay again starts over. Processors must be stopped first (a running one is
 * fenced by the replay's claim and stops).
 */
export async function replayFromBronze(
  lake: Lake,
  store: ServingStore,
  options: StreamProcessorOptions,
  onProgress?: (records: number, total: number) => void,
  bronzeVersion?: number,
): Promise<ReplayResult> {
  const started = Date.now();
  const source = await bronzeSource(lake, options.topic, bronzeVersion);
  let removedFiles = 0;
  for (const partition of source.partitions) {
    removedFiles += (
      await lake.removeUncommitted({ partition, committedNextOffset: 0, tables: ['silver', 'quarantine'] })
    ).length;
  }
  await resetGold(store, options.topic);
  const { records } = await rebuildFromBronze(source, lake, store, options, onProgress);
  return { records, removedFiles, elapsedMs: Date.now() - started, bronzeVersion: source.version };
}

/** Bronze of `topic` read as a log: its partitions and how many records they hold. */
export interface BronzeSource {
  readonly log: BronzeEventLog;
  /** The Bronze Delta version every read of the replay lists its files at (null: no commit yet). */
  readonly version: number | null;
  readonly partitions: readonly number[];
  readonly total: number;
}

/**
 * Pinned to one Bronze version (`version`, else the latest now): a replay reads the same records
 * however long it runs, whatever the processor or a compaction commits meanwhile.
 */
export async function bronzeSource(lake: Lake, topic: string, version?: number): Promise<BronzeSource> {
  const pinned = version ?? (await lake.files.snapshot('bronze'))?.version;
  const log = new BronzeEventLog(lake, topic, pinned);
  const info = await log.describeTopic(topic);
  return {
    log,
    version: pinned === undefined || pinned === EMPTY_VERSION ? null : pinned,
    partitions: (info?.partitions ?? []).map((p) => p.partition),
    total: (info?.partitions ?? []).reduce((n, p) => n + p.nextOffset - p.firstOffset, 0),
  };
}

/**
 * Runs the processor over Bronze (`source`) into `target` (Silver, quarantine; never Bronze) and
 * `store` (Gold, accounting) until every partition is drained: the replay's step (3), and the
 * rebuild of `replay --verify` into a scratch lake and store.
 */
export async function rebuildFromBronze(
  { log, partitions, total }: BronzeSource,
  target: Lake,
  store: ServingStore,
  options: StreamProcessorOptions,
  onProgress?: (records: number, total: number) => void,
): Promise<{ records: number }> {
  let records = 0;
  const processor = new StreamProcessor(
    { ...options, partitions },
    {
      log,
      lake: withoutBronzeWrites(processorLake(target), target),
      store: processorStore(store),
      onCommit: (c) => {
        records += c.records;
        onProgress?.(records, total);
      },
    },
  );
  await processor.start();
  await processor.drain();
  return { records };
}

/** Bronze is immutable: the replay reads it and never writes or removes a Bronze file. */
function withoutBronzeWrites(inner: ProcessorLake, lake: Lake): ProcessorLake {
  return {
    ...inner,
    writeBronze: async () => undefined,
    removeUncommitted: async (topic, partition, nextOffset) =>
      (
        await lake.removeUncommitted({
          partition,
          topic,
          committedNextOffset: nextOffset,
          tables: ['silver', 'quarantine'],
          untrackedOnly: true,
        })
      ).length,
  };
}
