import { ShopError } from '../../errors/index.js';
import type { DurableAppendBatcher } from './durable-append-batcher.js';
import type { EventRateLimiter } from './event-rate-limiter.js';
import type { IngestPlan } from './ingest-records.js';
import type { WriteKeyResolver } from './write-key-resolver.js';

/** A refusal: the coded error and, for retryable ones, how long the client should wait. */
export class IngestRefusal extends Error {
  constructor(
    readonly error: ShopError,
    readonly retryAfterMs?: number,
  ) {
    super(error.message);
  }
}

export interface IngestGateDeps {
  readonly keys: WriteKeyResolver | undefined;
  readonly requireWriteKey: boolean;
  readonly limiter: EventRateLimiter | undefined;
  readonly batcher: DurableAppendBatcher;
  readonly ackTimeoutMs: number;
  readonly defaultSourceName: string;
  readonly now: () => number;
}

/** Who sent a request: the source name written on its events, and the rate-limit identity. */
export interface Sender {
  readonly source: string;
  readonly clientId: string;
}

/**
 * The steps every ingestion request goes through, in order: 1. identify the sender by write key
 * (unknown or revoked = 401, even when keys are optional, so a typo is never silently anonymous),
 * 2. rate-limit by events, 3. submit to the batcher and wait until the events are durable, at most
 * ackTimeoutMs. Only a resolved `admit` may be answered 200.
 */
export class IngestGate {
  constructor(private readonly deps: IngestGateDeps) {}

  async identify(writeKey: string | undefined, ip: string): Promise<Sender> {
    const { keys, requireWriteKey, defaultSourceName, now } = this.deps;
    const lookup =
      keys === undefined
        ? ({ kind: writeKey ? 'unknown' : 'none' } as const)
        : await keys.lookup(writeKey, now());
    if (lookup.kind === 'key') return { source: lookup.key.source, clientId: `key:${lookup.key.id}` };
    if (lookup.kind === 'unknown')
      throw new IngestRefusal(new ShopError('SHOP_COLLECTOR_UNAUTHORIZED', 'unknown or revoked write key'));
    if (requireWriteKey)
      throw new IngestRefusal(
        new ShopError(
          'SHOP_COLLECTOR_UNAUTHORIZED',
          'a write key is required (HTTP Basic user name or writeKey in the body)',
        ),
      );
    return { source: defaultSourceName, clientId: `ip:${ip}` };
  }

  async admit(sender: Sender, plan: IngestPlan): Promise<void> {
    if (plan.events === 0) return;
    const decision = this.deps.limiter?.take(sender.clientId, plan.events, this.deps.now());
    if (decision !== undefined && !decision.allowed) {
      throw new IngestRefusal(
        new ShopError('SHOP_COLLECTOR_RATE_LIMITED', 'too many events for this write key; slow down'),
        decision.retryAfterMs,
      );
    }
    const { batcher } = this.deps;
    const refusal = batcher.refusal(plan.bytes);
    if (refusal !== undefined) throw new IngestRefusal(refusal, batcher.retryAfterMs());
    const share = plan.bytes / plan.events;
    const durable = [...plan.byTopic].map(([topic, records]) =>
      batcher.submit(topic, records, Math.ceil(records.length * share)),
    );
    await this.untilDurable(Promise.all(durable));
  }

  private async untilDurable(durable: Promise<unknown>): Promise<void> {
    const { batcher, ackTimeoutMs } = this.deps;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), ackTimeoutMs)),
    );
    durable.catch(() => undefined);
    try {
      const outcome = await Promise.race([durable.then(() => 'durable' as const), deadline]);
      if (outcome === 'timeout') {
        batcher.markUnavailable();
        throw new ShopError(
          'SHOP_COLLECTOR_LOG_UNAVAILABLE',
          `the event log did not confirm within ${ackTimeoutMs} ms; nothing was acknowledged`,
        );
      }
    } catch (err) {
      if (err instanceof ShopError) throw new IngestRefusal(err, batcher.retryAfterMs());
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
