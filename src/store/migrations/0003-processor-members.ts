/**
 * Processor group membership (docs/adr/0001-processor-group-membership.md): one row per live
 * processor of a group, renewed every heartbeat. A member whose `lease_expires_at` (database clock)
 * has passed is dead; the partitions it owned in `processor_positions` may then be claimed.
 */
export const id = '0003_processor_members';

export const statements: readonly string[] = [
  `CREATE TABLE serving.processor_members (
    group_name text NOT NULL,
    member_id text NOT NULL,
    joined_at timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    lease_expires_at timestamptz NOT NULL,
    PRIMARY KEY (group_name, member_id))`,
];
