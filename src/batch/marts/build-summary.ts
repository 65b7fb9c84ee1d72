import type { ModelName } from './mart-model.js';

/** What one build did to one model. */
export interface ModelBuildSummary {
  readonly model: ModelName;
  /** failed: a test failed (nothing of it was published); skipped: an upstream model failed. */
  status: 'ok' | 'failed' | 'skipped' | 'fresh';
  /** Partitions computed. */
  partitionsBuilt: number;
  /** Partitions whose rows changed and were written (serving DB and lake). */
  partitionsPublished: number;
  rowsWritten: number;
  elapsedMs: number;
}

/** Progress of a build: `done` of `total` units (a model's day, or a warehouse step). */
export interface BuildProgress {
  readonly done: number;
  readonly total: number;
  readonly label: string;
}
