/**
 * What an in-process pipeline (embedded `start`) can tell the API beyond the store: the end offset
 * of each partition (for lag) and its own throughput. In distributed mode there is no provider and
 * the API reports lag as null and derives events/s from committed offsets.
 */
export interface PipelineStatus {
  readonly partitions: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly endOffset: number;
  }[];
  /** Records processed per second over the processor's own recent window; undefined = unknown. */
  readonly eventsPerSec?: number;
}

export type PipelineStatusProvider = () => Promise<PipelineStatus>;
