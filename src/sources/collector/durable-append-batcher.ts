import { ShopError, isShopError } from '../../errors/index.js';
import type { EventLog, ProducerRecord } from '../../log/event-log.js';

export interface AppendBatcherOptions {
  /** Back-pressure: most bytes of submitted, not yet durable records. */
  readonly maxInFlightBytes: number;
  /** Most records grouped into one `append`. */
  readonly maxAppendRecords: number;
  readonly maxConcurrentAppends: number;
  /** How long after a failed or timed-out append submissions are refused (the log gets a rest). */
  readonly retryAfterMs: number;
  readonly now?: () => number;
  /** Told about append failures (code only: payloads never leave). */
  readonly onAppendFailed?: (error: ShopError) => void;
}

interface Pending {
  readonly records: readonly ProducerRecord[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: ShopError) => void;
}

/**
 * Groups concurrent submissions into few log appends (micro-batching) without ever acknowledging
 * early. Guarantees:
 * 1. `submit` resolves only after the `append` holding its records resolved (durable per the log);
 *    it rejects with SHOP_COLLECTOR_LOG_UNAVAILABLE when that append failed (none of its records
 *    may be assumed written, though some may be: clients retry with the same ids, the processor
 *    dedupes).
 * 2. Records of one submission go into one append, in order.
 * 3. Memory is bounded: a submission that would push the bytes held past maxInFlightBytes is
 *    refused at once with SHOP_COLLECTOR_OVERLOADED; bytes are released when their append settles
 *    (not when a waiting request gives up).
 * 4. After a failure (or `markUnavailable`), submissions are refused for retryAfterMs, then the
 *    next submission tries the log again: recovery needs no operator.
 */
export class DurableAppendBatcher {
  private readonly queues = new Map<string, Pending[]>();
  private inFlightBytesHeld = 0;
  private appendsRunning = 0;
  private unavailableUntilMs = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly now: () => number;

  constructor(
    private readonly log: EventLog,
    private readonly options: AppendBatcherOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  submit(topic: string, records: readonly ProducerRecord[], bytes: number): Promise<void> {
    const refusal = this.refusal(bytes);
    if (refusal !== undefined) return Promise.reject(refusal);
    if (records.length === 0) return Promise.resolve();
    this.inFlightBytesHeld += bytes;
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(topic) ?? [];
      queue.push({ records, bytes, resolve, reject });
      this.queues.set(topic, queue);
      this.pump();
    });
  }

  /** The error a submission of `bytes` would get right now, if any. */
  refusal(bytes: number): ShopError | undefined {
    if (this.now() < this.unavailableUntilMs) {
      return new ShopError(
        'SHOP_COLLECTOR_LOG_UNAVAILABLE',
        'the event log is unavailable; nothing was acknowledged',
      );
    }
    if (this.inFlightBytesHeld > 0 && this.inFlightBytesHeld + bytes > this.options.maxInFlightBytes) {
      return new ShopError(
        'SHOP_COLLECTOR_OVERLOADED',
        'too many events are waiting for the log; nothing was acknowledged',
      );
    }
    return undefined;
  }

  /** Refuse submissions for retryAfterMs (a request timed out waiting for the log). */
  markUnavailable(): void {
    this.unavailableUntilMs = Math.max(this.unavailableUntilMs, this.now() + this.options.retryAfterMs);
  }

  /** Milliseconds a refused client should wait (at least 1000: Retry-After has whole seconds). */
  retryAfterMs(): number {
    return Math.max(1000, this.unavailableUntilMs - this.now());
  }

  get inFlightBytes(): number {
    return this.inFlightBytesHeld;
  }

  /** Resolves when every submitted record has settled. */
  async drain(): Promise<void> {
    if (this.appendsRunning === 0 && this.queues.size === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    for (const [topic, queue] of this.queues) {
      if (this.appendsRunning >= this.options.maxConcurrentAppends) return;
      const batch = this.takeBatch(queue);
      if (queue.length === 0) this.queues.delete(topic);
      this.appendsRunning++;
      void this.appendBatch(topic, batch);
    }
    if (this.appendsRunning === 0 && this.queues.size === 0) this.idleWaiters.splice(0).forEach((w) => w());
  }

  private takeBatch(queue: Pending[]): Pending[] {
    let records = queue[0]!.records.length;
    let count = 1;
    while (count < queue.length && records + queue[count]!.records.length <= this.options.maxAppendRecords) {
      records += queue[count]!.records.length;
      count++;
    }
    return queue.splice(0, count);
  }

  private async appendBatch(topic: string, batch: readonly Pending[]): Promise<void> {
    const records = batch.length === 1 ? batch[0]!.records : batch.flatMap((p) => p.records);
    let failure: ShopError | undefined;
    try {
      await this.log.append(topic, records);
    } catch (err) {
      failure = this.onFailure(err);
    }
    for (const p of batch) {
      this.inFlightBytesHeld -= p.bytes;
      if (failure === undefined) p.resolve();
      else p.reject(failure);
    }
    this.appendsRunning--;
    this.pump();
  }

  private onFailure(err: unknown): ShopError {
    this.markUnavailable();
    const cause = isShopError(err) ? err : new ShopError('SHOP_LOG_IO', 'append failed', { cause: err });
    this.options.onAppendFailed?.(cause);
    return new ShopError(
      'SHOP_COLLECTOR_LOG_UNAVAILABLE',
      `the event log refused the append (${cause.code}); nothing was acknowledged`,
      { cause },
    );
  }
}
