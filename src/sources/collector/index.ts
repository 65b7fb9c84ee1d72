export { collectorPlugin, type CollectorDeps } from './collector-plugin.js';
export { collectorOptionsFromConfig, type CollectorOptions } from './collector-options.js';
export { CUSTOMERS_TOPIC } from './segment-to-customer.js';
export { SEGMENT_PATHS } from './segment-routes.js';
export { WriteKeyResolver } from './write-key-resolver.js';
export {
  addWriteKey,
  readWriteKeyFile,
  revokeWriteKey,
  writeWriteKeyFile,
  type WriteKeyRecord,
  type WriteKeyFileContent,
} from './write-key-file.js';
export {
  measureCollectorThroughput,
  type CollectorThroughputOptions,
  type CollectorThroughputReport,
} from './measure-collector-throughput.js';
export { collectorDepsFromConfig, writeKeyFilePath } from './collector-deps-from-config.js';
