import * as serving0001 from './0001-serving-schema.js';
import * as serving0002 from './0002-alerting-and-quality.js';
import * as serving0003 from './0003-processor-members.js';
import * as serving0004 from './0004-lake-positions.js';
import * as marts0005 from './0005-marts.js';
import * as serving0006 from './0006-access-and-audit.js';
import * as customers0007 from './0007-customer-analytics.js';
import * as orchestration0008 from './0008-orchestration.js';
import * as reconciliation0009 from './0009-reconciliation.js';
import * as reconciliation0010 from './0010-reconciliation-silver-version.js';
import * as products0011 from './0011-product-rollup.js';
import * as commits0012 from './0012-window-commits.js';

export interface Migration {
  /** Unique, ordered (`NNNN_name`); recorded in serving.schema_migrations once applied. */
  readonly id: string;
  readonly statements: readonly string[];
}

/** Every migration, oldest first. Append only: an applied migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  serving0001,
  serving0002,
  serving0003,
  serving0004,
  marts0005,
  serving0006,
  customers0007,
  orchestration0008,
  reconciliation0009,
  reconciliation0010,
  products0011,
  commits0012,
];
