import type { AlertEventSender } from '../downstream/data-quality-alerts-topic.js';
import type { EventLog } from '../log/event-log.js';
import type { ServingStore } from '../store/serving-store.js';
import type { AlertOptions } from './alert-options.js';
import { writeOutcomes, type WriteResult } from './alert-writer.js';
import { evaluateKpiRules, evaluatePipelineRules } from './detect-rules.js';
import type { GapsSeen, PipelineSnapshot } from './pipeline-health-rules.js';
import { readPipelineSnapshot } from './pipeline-snapshot-reader.js';
import { deliverDue, type DeliveryAttempt } from './webhook-delivery.js';

export interface DetectorLoopDeps {
  readonly store: ServingStore;
  readonly options: AlertOptions;
  readonly topic: string;
  /** Gives the lag rule and the stuck rule the log end offsets; without it they judge nothing. */
  readonly log?: EventLog;
  /** Detector clock (epoch ms); tests and replays pin it. */
  readonly nowMs?: () => number;
  readonly fetchFn?: typeof fetch;
  /** Sends outbox rows of format `event` (alerts.publishTopic) to ecom.data_quality_alerts.v1. */
  readonly sendEvent?: AlertEventSender;
  /** Called for every alert raised, escalated or resolved (LiveFeed.publishAlert). */
  readonly onAlert?: (id: string) => void;
  readonly onDelivery?: (attempt: DeliveryAttempt) => void;
  readonly onError?: (err: unknown) => void;
}

export interface DetectorPass {
  readonly written: WriteResult;
  readonly deliveries: readonly DeliveryAttempt[];
}

/**
 * The detector: every `options.intervalMs` (and soon after `notifyCommit()`), evaluates every rule
 * over the serving DB, writes alerts and their outbox rows, then delivers due webhook
 * notifications. Passes never overlap. Safe to run in several processes: alert ids and outbox
 * keys make writes idempotent and outbox rows are leased with SKIP LOCKED.
 */
export class DetectorLoop {
  private readonly nowMs: () => number;
  private readonly history: PipelineSnapshot[] = [];
  /** When each open accounting gap was first seen (one gap, one alert id). */
  private readonly gapSince: GapsSeen = new Map();
  private running: Promise<DetectorPass> | undefined;
  private wake: (() => void) | undefined;
  private pendingCommit = false;

  constructor(private readonly deps: DetectorLoopDeps) {
    this.nowMs = deps.nowMs ?? Date.now;
  }

  /** One pass: rules (KPI windows before `untilMs` when given), writes, then due deliveries. */
  async runOnce(opts: { untilMs?: number } = {}): Promise<DetectorPass> {
    while (this.running !== undefined) await this.running.catch(() => undefined);
    this.running = this.pass(opts.untilMs);
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async pass(untilMs: number | undefined): Promise<DetectorPass> {
    const { store, options, topic } = this.deps;
    const now = this.nowMs();
    this.remember(await readPipelineSnapshot(store, topic, now, this.deps.log));
    const outcomes = [
      ...(await evaluateKpiRules(store, options, untilMs)),
      ...evaluatePipelineRules(this.history, options, this.gapSince),
    ];
    const written = await writeOutcomes(store, outcomes, {
      cooldownMs: options.cooldownMs,
      webhooks: options.webhooks,
      nowMs: now,
    });
    for (const id of [...written.raised, ...written.escalated, ...written.resolved]) this.deps.onAlert?.(id);
    const deliveries = await this.deliver(now);
    return { written, deliveries };
  }

  private async deliver(now: number): Promise<DeliveryAttempt[]> {
    const { fetchFn, sendEvent } = this.deps;
    const attempts = await deliverDue(this.deps.store, {
      ...this.deps.options.delivery,
      nowMs: now,
      fetchFn,
      sendEvent,
    });
    for (const a of attempts) this.deps.onDelivery?.(a);
    return attempts;
  }

  /** Keeps the snapshots the pipeline rules need (the longest of their look-back spans). */
  private remember(s: PipelineSnapshot): void {
    this.history.push(s);
    const o = this.deps.options;
    const keepMs = Math.max(o.dqWindowMs, o.stuckAfterMs, o.epochWindowMs) + o.intervalMs;
    while (this.history.length > 2 && this.history[0]!.atMs < s.atMs - keepMs) this.history.shift();
  }

  /** The processor committed: run a pass soon (coalesced with the timer). */
  notifyCommit(): void {
    this.pendingCommit = true;
    this.wake?.();
  }

  /** Runs passes until `signal` aborts; a failed pass is reported to onError and retried next tick. */
  async run(signal: AbortSignal): Promise<void> {
    const minPassMs = this.deps.options.minPassIntervalMs ?? 0;
    while (!signal.aborted) {
      this.pendingCommit = false;
      const startedAt = Date.now();
      await this.runOnce().catch((err: unknown) => this.deps.onError?.(err));
      if (!this.pendingCommit) await this.sleep(this.deps.options.intervalMs, signal, true);
      // Commits keep coming: space the passes (commits during the wait are coalesced).
      const spacingMs = startedAt + minPassMs - Date.now();
      if (spacingMs > 0 && !signal.aborted) await this.sleep(spacingMs, signal, false);
    }
  }

  /** Sleeps `ms`, or until `signal` aborts, or (wakeable) until the next `notifyCommit`. */
  private sleep(ms: number, signal: AbortSignal, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (wakeable) this.wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
