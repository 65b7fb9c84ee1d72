import * as serving0001 from './0001-serving-schema.js';
import * as serving0002 from './0002-alerting-and-quality.js';
import * as serving0003 from './0003-processor-members.js';
import * as marts0005 from './0005-marts.js';

export interface Migration {
  /** Unique, ordered (`NNNN_name`); recorded in serving.schema_migrations once applied. */
  readonly id: string;
  readonly statements: readonly string[];
}

/** Every migration, oldest first. Append only: an applied migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [serving0001, serving0002, serving0003, marts0005];
