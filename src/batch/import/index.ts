export { runImport, type ImportResult, type ImportSource, type ImportProgress } from './run-import.js';
export { ENTITY_SPECS, isEntity, type EntityName } from './import-entities.js';
export { readMappingFile } from './import-mapping.js';
export { formatOf } from './read-import-source.js';
