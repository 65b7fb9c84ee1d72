/** Response shapes of the shopstream API (see docs/api.md and /docs). Timestamps are UTC ISO-8601. */
export interface Point {
  ts: string;
  value: number;
}
export interface Session {
  role: 'anonymous' | 'viewer' | 'analyst' | 'operator' | 'admin';
  readAuth: 'open' | 'key';
}
export interface KpiSummary {
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  current: Record<string, number>;
  previous: Record<string, number>;
  /** One-minute windows holding any event in each period (all events, whatever the filter). */
  coveredMinutes: CoveredMinutes;
}
export interface CoveredMinutes {
  current: number;
  previous: number;
}
export interface KpiSeries {
  from: string;
  to: string;
  grain: 'minute' | 'hour' | 'day';
  series: Record<string, Point[]>;
}
export interface FunnelStep {
  step: string;
  count: number;
  rateFromPrevious: number;
  rateFromFirst: number;
}
export interface Funnel {
  from: string;
  to: string;
  steps: FunnelStep[];
  /** Exact distinct counts from the lake (absent when the API has no lake). */
  uniques?: Uniques | null;
}
export interface Uniques {
  uniqueUsers: number;
  uniqueSessions: number;
  convertedSessions: number;
  sessionConversion: number;
}
export interface TopProduct {
  productId: string;
  category: string | null;
  revenue: number;
  units: number;
  clicks: number;
  carts: number;
}
export interface TopProducts {
  by: 'revenue' | 'units';
  products: TopProduct[];
}
export interface RecentOrder {
  orderId: string;
  ts: string;
  userId: string;
  productId: string | null;
  quantity: number;
  amount: number;
  currency: string | null;
  channel: string | null;
  storeId: string | null;
}
export interface Alert {
  id: string;
  rule: string;
  metric: string;
  window_start: string;
  severity: string;
  status: string;
  value: number | null;
  baseline: number | null;
  z_score: number | null;
  message: string;
  created_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}
export interface QualitySummary {
  from: string;
  to: string;
  validEvents: number;
  quarantinedEvents: number;
  validPct: number | null;
  reasons: { reason: string; count: number }[];
  series: { ts: string; reason: string; count: number }[];
  /** The newest data-quality suite run (`shopstream dq run`), when there is one. */
  dqRun?: DqRun | null;
}
export interface DqRun {
  runId: string;
  finishedAt: string;
  score: number;
  checksPassed: number;
  checksFailed: number;
  checks: { check: string; category: string; passed: boolean; message: string }[];
}
export interface PartitionStatus {
  topic: string;
  partition: number;
  nextOffset: number;
  endOffset: number | null;
  lag: number | null;
  committedAt: string | null;
  maxEventTime: string | null;
  freshnessMs: number | null;
}
export interface PipelineStatus {
  now: string;
  partitions: PartitionStatus[];
  eventsPerSec: number | null;
  freshnessMs: number | null;
  totalLag: number | null;
  accounting: { balanced: boolean | null; read: number; accounted: number };
}
export interface StreamKpis {
  committedAt: string;
  windows: { ts: string; metrics: Record<string, number> }[];
}
/** GET /api/v1/kpis/explain: one minute's KPI, what made it and what was left out. */
export interface KpiExplanation {
  metric: string;
  windowStart: string;
  value: number | null;
  finalized: boolean;
  /** The processor commits that touched the minute. */
  commits: {
    count: number;
    firstCommitAt: string | null;
    lastCommitAt: string | null;
    finalizedAt: string | null;
    /** The newest 100, oldest first, with the log ranges each applied. */
    items: {
      revision: number;
      committedAt: string;
      topic: string;
      ranges: { partition: number; fromOffset: number; toOffset: number; epoch: number }[];
    }[];
  };
  formula: string;
  inputs: Record<string, number>;
  recomputed: number;
  silverVersion: number | null;
  events: {
    total: number;
    offset: number;
    limit: number;
    items: {
      eventId: string;
      eventType: string;
      eventTime: string;
      ingestTime: string;
      price: number | null;
      quantity: number | null;
      partition: number;
      offset: number;
      file: string;
    }[];
  };
  excluded: {
    logRanges: number;
    byReason: { reason: string; count: number }[];
    items: { partition: number; offset: number; eventId: string | null; reasons: string[] }[];
  };
}
