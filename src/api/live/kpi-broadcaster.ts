import type { ApiStore } from '../queries/api-store.js';
import { countersOfWindows } from '../queries/kpi-counter-queries.js';
import { ALL_METRICS, countersFor, metricValue } from '../queries/kpi-formulas.js';
import { alertById, type AlertRow } from '../queries/alert-queries.js';
import type { LiveFeed, LiveMessage } from './live-feed.js';

/** One server-sent event: `event` name and its JSON `data`. */
export interface StreamEvent {
  readonly event: 'kpis' | 'alert';
  readonly data: string;
}
export type StreamClient = (event: StreamEvent) => void;

export interface KpisPayload {
  committedAt: string;
  windows: { ts: string; metrics: Record<string, number> }[];
}

/** Most windows one push carries (a backfill touching more sends only the newest). */
const MAX_WINDOWS_PER_PUSH = 30;

/**
 * Turns LiveFeed messages into stream events once for all connected clients: a commit's touched
 * windows are re-read from the store (the same counters and formulas as `/api/v1/kpis`), so the
 * browser receives exactly what the API returns. Commits arriving while a read runs are merged into
 * the next read; reads never overlap. Nothing is read while no client is connected.
 */
export class KpiBroadcaster {
  private readonly clients = new Set<StreamClient>();
  private readonly pendingWindows = new Set<number>();
  private pendingCommittedAt = 0;
  private reading: Promise<void> | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ApiStore,
    feed: LiveFeed,
    private readonly onError: (err: unknown) => void,
  ) {
    this.unsubscribe = feed.subscribe((m) => this.onMessage(m));
  }

  addClient(client: StreamClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  close(): void {
    this.unsubscribe();
    this.clients.clear();
  }

  /** Resolves when no read is in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.reading !== undefined) await this.reading;
  }

  private onMessage(message: LiveMessage): void {
    if (this.clients.size === 0) return;
    if (message.kind === 'alert') {
      void alertById(this.store, message.alert.id).then(
        (row) =>
          row !== undefined &&
          this.send({ event: 'alert', data: JSON.stringify({ alert: row satisfies AlertRow }) }),
        this.onError,
      );
      return;
    }
    for (const w of message.commit.windowsTouched) this.pendingWindows.add(w);
    this.pendingCommittedAt = Math.max(this.pendingCommittedAt, message.commit.committedAt);
    this.reading ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pendingWindows.size > 0) {
        const windows = [...this.pendingWindows].sort((a, b) => b - a).slice(0, MAX_WINDOWS_PER_PUSH);
        const committedAt = this.pendingCommittedAt;
        this.pendingWindows.clear();
        const payload = await this.readWindows(windows, committedAt);
        this.send({ event: 'kpis', data: JSON.stringify(payload) });
      }
    } catch (err) {
      this.onError(err);
    } finally {
      this.reading = undefined;
    }
  }

  private async readWindows(windowsMs: number[], committedAtMs: number): Promise<KpisPayload> {
    const counters = await countersOfWindows(this.store, windowsMs, countersFor(ALL_METRICS));
    const windows = [...counters].map(([ts, c]) => ({
      ts,
      metrics: Object.fromEntries(ALL_METRICS.map((m) => [m, metricValue(m, c)])),
    }));
    return { committedAt: new Date(committedAtMs).toISOString(), windows };
  }

  private send(event: StreamEvent): void {
    for (const client of [...this.clients]) {
      try {
        client(event);
      } catch {
        this.clients.delete(client);
      }
    }
  }
}
