import { GoldAccumulator } from '../../src/pipeline/gold/gold-accumulator.js';
import { windowStartOf } from '../../src/pipeline/gold/minute-window.js';
import type { ShopEvent, EventType } from '../../src/contract/event.js';
import { claimPartitions, commitGoldBatch, type ServingStore } from '../../src/store/index.js';
import type { LiveFeed } from '../../src/api/live/live-feed.js';
import type { Lake, SilverRow } from '../../src/lake/index.js';

/**
 * Feeds the serving store the way the processor does: synthetic Silver events go through the real
 * GoldAccumulator and are committed with `commitGoldBatch` (one partition, fenced by its epoch),
 * then the commit is published on the LiveFeed. Deterministic from `seed`. With a lake, the same
 * events are written to Silver first (one flush per commit, as the processor's range), so the
 * lake-backed routes (explain, uniques) read what Gold counted.
 */
const TOPIC = 'ecom.events.raw.v1';
const CATEGORIES = ['shoes', 'bags', 'outerwear', 'accessories'];
const CHANNELS = ['web', 'app', 'store'] as const;

export class GoldTrafficFeeder {
  private nextOffset = 0;
  private epoch = 0;
  private rng: () => number;

  constructor(
    private readonly store: ServingStore,
    private readonly feed: LiveFeed,
    seed = 7,
    private readonly lake?: Lake,
  ) {
    let s = seed;
    this.rng = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  }

  async claim(): Promise<void> {
    const claimed = await claimPartitions(this.store, {
      topic: TOPIC,
      partitions: [0],
      owner: 'browser-test',
    });
    const p = claimed.get(0)!;
    this.epoch = p.epoch;
    this.nextOffset = p.nextOffset;
  }

  /**
   * Commits `count` events spread over [fromMs, toMs) and publishes the commit; returns the windows
   * touched. With `goldOnly`, the lake does not get them: Gold counts events Silver never saw (the
   * disagreement the drill-down must show).
   */
  async commitEvents(
    count: number,
    fromMs: number,
    toMs: number,
    { goldOnly = false }: { goldOnly?: boolean } = {},
  ): Promise<number[]> {
    const acc = new GoldAccumulator();
    const from = this.nextOffset;
    let maxEventTimeMs = 0;
    const silver: SilverRow[] = [];
    for (let i = 0; i < count; i += 1) {
      const eventTimeMs = Math.floor(fromMs + this.rng() * (toMs - fromMs));
      maxEventTimeMs = Math.max(maxEventTimeMs, eventTimeMs);
      const event = this.event(eventTimeMs);
      acc.add(event, eventTimeMs, 0, this.nextOffset);
      silver.push({
        event,
        eventTimeMs,
        ingestTimeMs: eventTimeMs,
        driftJson: null,
        topic: TOPIC,
        partition: 0,
        offset: this.nextOffset,
      });
      this.nextOffset += 1;
    }
    if (this.lake !== undefined && !goldOnly && count > 0)
      await this.lake.writeSilver(silver, {
        topic: TOPIC,
        partition: 0,
        fromOffset: from,
        toOffset: this.nextOffset - 1,
      });
    const windows = [...new Set(acc.counterDeltas().map((d) => d.windowStartMs))];
    await commitGoldBatch(this.store, {
      topic: TOPIC,
      epochs: { 0: this.epoch },
      fromOffsets: { 0: from },
      toOffsets: { 0: this.nextOffset },
      maxEventTimeMs: { 0: maxEventTimeMs },
      counters: acc.counterDeltas(),
      dimCounters: acc.dimCounterDeltas(),
      products: acc.productDeltas(),
      orders: acc.orders(),
      accounting: {
        0: {
          recordsRead: count,
          bronzeRows: count,
          silverRows: count,
          quarantineRows: 0,
          duplicatesDropped: 0,
          lateQuarantined: 0,
          reasonCounts: {},
        },
      },
    });
    this.feed.publishCommit({ windowsTouched: windows, committedAt: Date.now() });
    return windows.map(windowStartOf);
  }

  private event(eventTimeMs: number): ShopEvent {
    const r = this.rng();
    const type: EventType = r < 0.6 ? 'click' : r < 0.82 ? 'add_to_cart' : r < 0.93 ? 'checkout' : 'purchase';
    const product = `sku-${String(Math.floor(this.rng() * 40)).padStart(4, '0')}`;
    const user = `u${Math.floor(this.rng() * 500)}`;
    const priced = type === 'add_to_cart' || type === 'purchase';
    const iso = new Date(eventTimeMs).toISOString();
    return {
      event_id: `e-${this.nextOffset}`,
      event_version: 1,
      event_type: type,
      event_time: iso,
      ingest_time: iso,
      user_id: user,
      session_id: `s-${user}`,
      product_id: type === 'checkout' ? null : product,
      quantity: priced ? 1 + Math.floor(this.rng() * 3) : null,
      price: priced ? Math.round(500 + this.rng() * 15_000) / 100 : null,
      currency: priced ? 'USD' : null,
      order_id: type === 'purchase' ? `o-${this.nextOffset}` : null,
      source: 'browser-test',
      category: CATEGORIES[Math.floor(this.rng() * CATEGORIES.length)]!,
      channel: CHANNELS[Math.floor(this.rng() * CHANNELS.length)]!,
    };
  }
}
