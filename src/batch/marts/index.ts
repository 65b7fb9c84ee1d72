export { buildMarts, type MartBuild, type MartOptions } from './build-marts.js';
export type { MartRowsHook, MartRowsPublished } from './build-day-models.js';
export type { BuildProgress } from './build-summary.js';
export { ALL_MODELS } from './model-registry.js';
export { isDay, parseDay } from './mart-dates.js';
export { listMarts } from './mart-freshness.js';
export { SEGMENTS } from './models/dim-customers.js';
