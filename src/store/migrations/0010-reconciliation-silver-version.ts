/**
 * The Silver Delta version a reconciliation run read (both of its recomputes read one snapshot),
 * so a run can be checked again against the same rows (`shopstream reconcile --as-of-version`).
 * NULL for runs before this migration and when Silver had no commit yet.
 */
export const id = '0010_reconciliation_silver_version';

export const statements: readonly string[] = [
  `ALTER TABLE serving.reconciliation_runs ADD COLUMN silver_version bigint`,
];
