export {
  ProcessorGroup,
  type GroupMemberProcessor,
  type ProcessorGroupDeps,
  type ProcessorGroupOptions,
} from './processor-group.js';
export { assignedPartitions } from './partition-assignment.js';
export {
  claimFreePartitions,
  leaveGroup,
  liveMembers,
  releasePartitions,
  renewLease,
  type MemberRef,
} from './membership-table.js';
