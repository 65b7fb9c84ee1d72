import type { Config } from '../config/index.js';
import { openEventLog } from '../cli/open-event-log.js';
import {
  openLakeFromConfig,
  openStoreFromConfig,
  processorOptionsFromConfig,
} from '../cli/open-components.js';
import type { Lake } from '../lake/index.js';
import { openKafkaLog, kafkaLogOptionsFromConfig } from '../log/kafka/index.js';
import type { EventLog } from '../log/event-log.js';
import { processorLake, processorStore } from '../pipeline/processor/processor-adapters.js';
import { StreamProcessor, type StreamProcessorDeps } from '../pipeline/processor/stream-processor.js';
import type { ServingStore } from '../store/index.js';

/**
 * Everything a pipeline scenario runs on, under the scenario's temp folder: the log (embedded
 * under `<workDir>/log`, or the configured Kafka brokers), an embedded PGlite serving store and a
 * local lake. The configured `store.url` and `lake.dir` are ignored on purpose: a benchmark never
 * writes into a real serving database or lake.
 */
export interface BenchPipeline {
  readonly config: Readonly<Config>;
  readonly topic: string;
  readonly log: EventLog;
  readonly store: ServingStore;
  readonly lake: Lake;
  /** A processor over this pipeline (a new owner each call, as a restarted process would be). */
  newProcessor(deps?: Pick<StreamProcessorDeps, 'onCommit'> & { log?: EventLog }): StreamProcessor;
  close(): Promise<void>;
}

export async function openBenchPipeline(
  base: Readonly<Config>,
  workDir: string,
  logKind: 'embedded' | 'kafka',
): Promise<BenchPipeline> {
  const config: Readonly<Config> = {
    ...base,
    dataDir: workDir,
    store: { ...base.store, url: '' },
    lake: { ...base.lake, dir: '' },
  };
  const log =
    logKind === 'kafka'
      ? await openKafkaLog(kafkaLogOptionsFromConfig(config))
      : await openEventLog({ ...config, log: { ...config.log, brokers: '' } }, { mode: 'write' });
  const topic =
    logKind === 'kafka' ? `shopstream.bench.${Date.now()}` : processorOptionsFromConfig(config).topic;
  await log.ensureTopic({
    name: topic,
    partitions: config.log.partitions,
    replicationFactor: config.log.replicationFactor,
  });
  const store = await openStoreFromConfig(config);
  const lake = await openLakeFromConfig(config);
  return {
    config,
    topic,
    log,
    store,
    lake,
    newProcessor: (deps = {}) =>
      new StreamProcessor(
        { ...processorOptionsFromConfig(config), topic },
        {
          log: deps.log ?? log,
          lake: processorLake(lake),
          store: processorStore(store),
          ...(deps.onCommit ? { onCommit: deps.onCommit } : {}),
        },
      ),
    close: async () => {
      await Promise.allSettled([lake.close(), store.close()]);
      await log.close();
    },
  };
}
