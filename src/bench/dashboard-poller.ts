import { percentiles, SampleList, type Percentiles } from './latency-percentiles.js';

/** The API routes the dashboard's live page polls (web/src/app.tsx), at its default 1 h range. */
export function dashboardRoutes(nowMs: number): string[] {
  const toMs = Math.ceil((nowMs + 1) / 60_000) * 60_000;
  const range = `from=${new Date(toMs - 3_600_000).toISOString()}&to=${new Date(toMs).toISOString()}`;
  return [
    '/api/v1/session',
    `/api/v1/kpis/summary?${range}`,
    `/api/v1/kpis?${range}&grain=minute&metrics=revenue,events_purchase,aov,purchase_conversion,add_to_cart_rate,events_total,events_click,events_add_to_cart`,
    `/api/v1/funnel?${range}`,
    `/api/v1/uniques?${range}`,
    `/api/v1/products/top?${range}&by=revenue&limit=8`,
    '/api/v1/orders/recent?limit=12',
    '/alerts/latest?limit=20',
    `/api/v1/quality/quarantine?${range}&grain=minute`,
    '/api/v1/quality/runs/latest',
    '/api/v1/pipeline/status',
  ];
}

const routeName = (path: string) => path.split('?')[0]!;

/**
 * Polls every dashboard route every `intervalMs` (all of a round concurrently, as the page does)
 * and keeps each route's latencies and failures (non-2xx or transport errors).
 */
export class DashboardPoller {
  private readonly latencies = new Map<string, SampleList>();
  private readonly failures = new Map<string, string[]>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();

  constructor(
    private readonly baseUrl: string,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const tick = () => {
      this.round = this.round.then(() => this.pollOnce());
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.round;
  }

  async pollOnce(): Promise<void> {
    await Promise.all(dashboardRoutes(Date.now()).map((path) => this.get(path)));
  }

  /** Per route (path without query): latency percentiles and failures. */
  report(): Record<string, Percentiles & { failures: number; firstFailure: string | null }> {
    const out: Record<string, Percentiles & { failures: number; firstFailure: string | null }> = {};
    for (const [route, list] of this.latencies) {
      const failures = this.failures.get(route) ?? [];
      out[route] = {
        ...percentiles(list.toArray()),
        failures: failures.length,
        firstFailure: failures[0] ?? null,
      };
    }
    return out;
  }

  /** Percentiles over every request of every route. */
  overall(): Percentiles {
    const all = new SampleList();
    for (const list of this.latencies.values()) for (const v of list.toArray()) all.push(v);
    return percentiles(all.toArray());
  }

  private async get(path: string): Promise<void> {
    const route = routeName(path);
    const t0 = performance.now();
    let failure: string | undefined;
    try {
      const res = await fetch(this.baseUrl + path, { signal: AbortSignal.timeout(30_000) });
      const body = await res.text();
      if (!res.ok) failure = `${res.status} ${body.slice(0, 200)}`;
    } catch (err) {
      failure = String(err);
    }
    let list = this.latencies.get(route);
    if (list === undefined) this.latencies.set(route, (list = new SampleList()));
    list.push(performance.now() - t0);
    if (failure !== undefined) this.failures.set(route, [...(this.failures.get(route) ?? []), failure]);
  }
}
