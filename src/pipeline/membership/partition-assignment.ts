/**
 * The deterministic assignment every member computes on its own: the topic's partitions sorted
 * ascending, partition at index i goes to the member at index i mod n of the live members sorted
 * by id. Members that see the same live set agree without talking to each other; a member that
 * sees a different set for a moment cannot steal a partition, because a claim only takes
 * partitions whose recorded owner is not a live member (`claimFreePartitions`).
 */
export function assignedPartitions(
  partitions: readonly number[],
  liveMembers: readonly string[],
  memberId: string,
): number[] {
  const members = [...new Set(liveMembers)].sort();
  const index = members.indexOf(memberId);
  if (index < 0) return [];
  const sorted = [...new Set(partitions)].sort((a, b) => a - b);
  return sorted.filter((_, i) => i % members.length === index);
}
