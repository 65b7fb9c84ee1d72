export { ConfigSchema, type Config } from './schema.js';
export { loadConfig, type ConfigSources } from './load-config.js';
