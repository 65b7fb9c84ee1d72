export { openEmbeddedLog, EmbeddedLog } from './embedded-log.js';
export type { EmbeddedLogOptions } from './embedded-log-options.js';
export type { TruncateEvent } from './partition-log.js';
export {
  measureLogThroughput,
  type ThroughputReport,
  type ThroughputOptions,
} from './measure-log-throughput.js';
