import type { ServingStore } from '../../store/index.js';
import type { ClaimedPartition } from '../processor/processor-ports.js';
import type { RunLoopOptions } from '../processor/processor-run-loop.js';
import { sleep } from '../processor/processor-run-loop.js';
import {
  claimFreePartitions,
  leaveGroup,
  releasePartitions,
  renewLease,
  type MemberRef,
} from './membership-table.js';
import { assignedPartitions } from './partition-assignment.js';

export interface ProcessorGroupOptions {
  /** Group name: members of one group share one topic's partitions. */
  readonly group: string;
  readonly topic: string;
  /** Unique per process (`host:pid:uuid`); also the owner recorded on claimed positions. */
  readonly memberId: string;
  readonly heartbeatIntervalMs: number;
  readonly leaseMs: number;
}

export interface ProcessorGroupDeps {
  readonly store: ServingStore;
  /** Processing-time clock (ms); injectable for tests. */
  readonly nowMs?: () => number;
  readonly onEvent?: (message: string, fields: Record<string, unknown>) => void;
}

/** What the group needs from the processor (`StreamProcessor` has it). */
export interface GroupMemberProcessor {
  topicPartitions(): Promise<number[]>;
  ownedEpochs(): Map<number, number>;
  flush(): Promise<void>;
  /** Writes the buffered lake rows of the partitions and records their lake positions. */
  flushLake(partitions?: readonly number[]): Promise<void>;
  release(partitions: readonly number[]): Map<number, number>;
  adopt(claimed: ReadonlyMap<number, ClaimedPartition>): Promise<void>;
  run(
    signal: AbortSignal,
    loop: Pick<RunLoopOptions, 'betweenCycles' | 'dropFencedPartitions'>,
  ): Promise<void>;
}

/**
 * Group membership of scale-out processors through the serving DB (ADR 0001). Every
 * heartbeatIntervalMs the member renews its lease and recomputes its share of the partitions
 * (`assignedPartitions`); between two cycles the processor releases the partitions it lost and
 * claims the free ones it gained (epoch + 1 fences any older owner; the state is rebuilt from the
 * position of record). A member that dies stops renewing: after leaseMs the survivors' next
 * heartbeat assigns its partitions to them, and they claim them. A member that cannot renew its
 * lease stops writing (`mayWrite`) before its lease could have expired.
 */
export class ProcessorGroup {
  private readonly member: MemberRef;
  private readonly nowMs: () => number;
  private leaseValidUntilMs = 0;
  private assignment: number[] | undefined;
  private members: string[] = [];
  private heartbeats = 0;
  private appliedHeartbeat = 0;

  constructor(
    private readonly options: ProcessorGroupOptions,
    private readonly deps: ProcessorGroupDeps,
  ) {
    this.member = { group: options.group, memberId: options.memberId };
    this.nowMs = deps.nowMs ?? Date.now;
  }

  /** For `StreamProcessorDeps.mayWrite`: true while the lease is surely still held (one interval of margin). */
  readonly mayWrite = (): boolean => this.nowMs() < this.leaseValidUntilMs;

  /** Renews the lease and recomputes the assignment; the processor applies it between cycles. */
  async heartbeat(processor: GroupMemberProcessor): Promise<void> {
    const startedAtMs = this.nowMs();
    const members = await renewLease(this.deps.store, this.member, this.options.leaseMs);
    this.leaseValidUntilMs = startedAtMs + this.options.leaseMs - this.options.heartbeatIntervalMs;
    const partitions = await processor.topicPartitions();
    this.assignment = assignedPartitions(partitions, members, this.options.memberId);
    if (members.join() !== this.members.join())
      this.deps.onEvent?.('group members changed', { members, assigned: this.assignment });
    this.members = members;
    this.heartbeats += 1;
  }

  /** Between cycles: release lost partitions, claim gained free ones (once per heartbeat). */
  async rebalance(processor: GroupMemberProcessor): Promise<void> {
    const assignment = this.assignment;
    if (assignment === undefined || this.appliedHeartbeat === this.heartbeats) return;
    const heartbeat = this.heartbeats;
    const owned = processor.ownedEpochs();
    const lost = [...owned.keys()].filter((p) => !assignment.includes(p));
    const wanted = assignment.filter((p) => !owned.has(p));
    if (lost.length > 0 || wanted.length > 0) {
      await processor.flush();
      // The next owner would otherwise re-derive the buffered lake rows from the log.
      if (lost.length > 0) await processor.flushLake(lost).catch(() => undefined);
      if (lost.length > 0)
        await releasePartitions(this.deps.store, this.member, this.options.topic, processor.release(lost));
      if (wanted.length > 0 && this.mayWrite()) {
        const claimed = await claimFreePartitions(this.deps.store, this.member, this.options.topic, wanted);
        await processor.adopt(claimed);
        const waiting = wanted.filter((p) => !claimed.has(p));
        if (claimed.size > 0 || lost.length > 0)
          this.deps.onEvent?.('group partitions moved', {
            claimed: [...claimed.keys()],
            released: lost,
            waitingForRelease: waiting,
          });
      }
    }
    this.appliedHeartbeat = heartbeat;
  }

  /**
   * Joins the group and runs the processor until `signal` aborts; then leaves: releases every
   * owned partition and deletes the member row, so the others take over at their next heartbeat.
   */
  async run(processor: GroupMemberProcessor, signal: AbortSignal): Promise<void> {
    await this.heartbeat(processor);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const heartbeats = this.heartbeatLoop(processor, stop.signal);
    try {
      await processor.run(signal, {
        betweenCycles: () => this.rebalance(processor),
        dropFencedPartitions: true,
      });
    } finally {
      stop.abort();
      signal.removeEventListener('abort', onAbort);
      await heartbeats;
      await this.leave(processor);
    }
  }

  private async heartbeatLoop(processor: GroupMemberProcessor, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(this.options.heartbeatIntervalMs, signal);
      if (signal.aborted) return;
      try {
        await this.heartbeat(processor);
      } catch (err) {
        this.deps.onEvent?.('group heartbeat failed', {
          error: String(err),
          leaseValidForMs: this.leaseValidUntilMs - this.nowMs(),
        });
      }
    }
  }

  private async leave(processor: GroupMemberProcessor): Promise<void> {
    try {
      await processor.flush().catch(() => undefined);
      const epochs = processor.release([...processor.ownedEpochs().keys()]);
      await releasePartitions(this.deps.store, this.member, this.options.topic, epochs);
      await leaveGroup(this.deps.store, this.member);
    } catch (err) {
      this.deps.onEvent?.('leaving the group failed: the others take over when the lease expires', {
        error: String(err),
      });
    }
  }
}
