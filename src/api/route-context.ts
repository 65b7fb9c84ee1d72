import type { Config } from '../config/index.js';
import type { LakeQueries } from './queries/lake-queries.js';
import type { ApiStore } from './queries/api-store.js';
import type { PipelineStatusProvider } from './pipeline-status.js';

/** What every route module receives from `buildApiServer`. */
export interface RouteContext {
  readonly store: ApiStore;
  readonly api: Readonly<Config['api']>;
  /** 'open' or 'key', resolved from api.readAuth. */
  readonly readAuth: 'open' | 'key';
  readonly status: PipelineStatusProvider | undefined;
  readonly now: () => number;
  /** Lake questions (exact distinct counts, quarantine over time); undefined = no lake here. */
  readonly lake: LakeQueries | undefined;
}
