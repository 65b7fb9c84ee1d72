/**
 * In-process pub/sub between the writers of the serving store and the live stream. The processor
 * calls `publishCommit` after a Gold batch is durably committed (never before), the detector
 * `publishAlert` after an alert row is written; in distributed mode a store poller
 * (`store-commit-poller.ts`) publishes the same messages. Subscribers are called synchronously;
 * one that throws is removed and does not affect the others.
 */
export interface CommitInfo {
  /** Start (epoch ms, UTC) of every one-minute window the commit changed. */
  readonly windowsTouched: readonly number[];
  /** Processing time of the commit, epoch ms. */
  readonly committedAt: number;
}

export interface AlertRef {
  /** `<rule>:<metric>:<window_start>`; the stream re-reads the row so clients get the API's shape. */
  readonly id: string;
}

export type LiveMessage =
  | { readonly kind: 'commit'; readonly commit: CommitInfo }
  | { readonly kind: 'alert'; readonly alert: AlertRef };

export type LiveSubscriber = (message: LiveMessage) => void;

export class LiveFeed {
  private readonly subscribers = new Set<LiveSubscriber>();

  publishCommit(info: CommitInfo): void {
    this.publish({ kind: 'commit', commit: info });
  }

  publishAlert(alert: AlertRef): void {
    this.publish({ kind: 'alert', alert: { id: alert.id } });
  }

  /** Returns the unsubscribe function. */
  subscribe(fn: LiveSubscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  private publish(message: LiveMessage): void {
    for (const fn of [...this.subscribers]) {
      try {
        fn(message);
      } catch {
        this.subscribers.delete(fn);
      }
    }
  }
}
