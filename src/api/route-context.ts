import type { Config } from '../config/index.js';
import type { AssetGraph } from '../orchestration/asset-graph.js';
import type { LakeQueries } from './queries/lake-queries.js';
import type { ManagedApiKeys } from './access/managed-api-keys.js';
import type { CustomerIdMasker } from './customer-id-masking.js';
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
  /** The serving.api_keys lookup; routes that change keys invalidate it. */
  readonly managedKeys: ManagedApiKeys;
  /** Applied to every user id of a customer-level response (processor.piiMasking). */
  readonly maskUserId: CustomerIdMasker;
  /** The orchestrator's assets (`/api/v1/jobs`). */
  readonly jobs: AssetGraph;
  /** Customer analytics settings (the segment rules the segments route reports). */
  readonly customers: Readonly<Config['customers']>;
}
