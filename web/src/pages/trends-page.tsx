import { useState } from 'react';
import { apiGet } from '../lib/api-client.js';
import { formatValue } from '../lib/format.js';
import type { MartDaily, MartProducts, MartSegments, MartSessions } from '../lib/mart-types.js';
import { useApiQuery } from '../hooks/use-api-query.js';
import { Panel } from '../components/panel.js';
import { TimeChart } from '../components/time-chart.js';
import { SegmentsView } from '../components/segments-view.js';
import { MartProductsView } from '../components/mart-products-view.js';
import '../trends.css';
import { BatchPageHeader } from '../components/batch-page-header.js';

const SPANS = [30, 90, 180] as const;
type Span = (typeof SPANS)[number];

/** The last day shown: `#/trends?to=YYYY-MM-DD` (a shareable past view), else today (UTC). */
function lastDay(hash: string): number {
  const asked = new URLSearchParams(hash.split('?')[1] ?? '').get('to');
  const ms = asked !== null && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? Date.parse(`${asked}T00:00:00Z`) : NaN;
  return Number.isFinite(ms) ? ms : Date.parse(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
}

/** `days` days ending at lastDay(), both included. */
function dayRange(days: number, hash: string): { from: string; to: string } {
  const end = lastDay(hash);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(end - (days - 1) * 86_400_000), to: day(end) };
}

type Day = MartDaily['days'][number];
const points = (d: MartDaily, pick: (x: Day) => number, keep: (x: Day) => boolean = () => true) =>
  d.days.filter(keep).map((x) => ({ ts: `${x.date}T00:00:00.000Z`, value: pick(x) }));

/** The batch marts (shopstream marts build): daily trends, top products, segments, sessions. */
export function TrendsPage({ hash }: { hash: string }) {
  const [span, setSpan] = useState<Span>(90);
  const [refresh, setRefresh] = useState(0);
  const range = dayRange(span, hash);
  const key = `${span}|${range.to}`;
  const daily = useApiQuery(() => apiGet<MartDaily>('/api/v1/marts/daily', range), key, refresh);
  const top = useApiQuery(
    () => apiGet<MartProducts>('/api/v1/marts/products/top', { ...range, limit: 10 }),
    key,
    refresh,
  );
  const segments = useApiQuery(
    () => apiGet<MartSegments>('/api/v1/marts/customers/segments', range),
    key,
    refresh,
  );
  const sessions = useApiQuery(
    () => apiGet<MartSessions>('/api/v1/sessions', { ...range, limit: 1 }),
    key,
    refresh,
  );
  const noDays = (d: MartDaily) => d.days.length === 0;
  return (
    <div className="app trends" data-testid="trends-page" data-from={range.from} data-to={range.to}>
      <BatchPageHeader
        title="trends"
        subtitle={<span className="muted">batch marts, UTC days</span>}
        onRefresh={() => setRefresh((r) => r + 1)}
      >
        <div className="seg" role="group" aria-label="Days">
          {SPANS.map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={span === s}
              className={span === s ? 'active' : ''}
              onClick={() => setSpan(s)}
            >
              {s} days
            </button>
          ))}
        </div>
      </BatchPageHeader>
      <main className="grid">
        <Panel
          id="trend-revenue"
          title="Daily order revenue"
          state={daily}
          className="span-8"
          isEmpty={noDays}
          emptyText="No marts yet: run shopstream marts build."
        >
          {(d) => (
            <TimeChart
              label="Daily order revenue"
              series={[
                { label: 'order revenue', color: '#4ade80', points: points(d, (x) => x.grossRevenue) },
                { label: 'net of refunds', color: '#a78bfa', points: points(d, (x) => x.netRevenue) },
              ]}
            />
          )}
        </Panel>
        <Panel id="trend-sessions" title="Sessions" state={sessions} className="span-4">
          {(s) => (
            <div className="stat-grid">
              {(
                [
                  ['Sessions', s.summary.sessions, 'count'],
                  ['Converted', s.summary.convertedSessions, 'count'],
                  ['Conversion', s.summary.conversionRate, 'rate'],
                  ['Avg events', s.summary.avgEvents, 'count'],
                ] as const
              ).map(([label, value, kind]) => (
                <div className="stat" key={label} data-stat={label} data-value={value}>
                  <span className="stat-label">{label}</span>
                  <span className="stat-value">{formatValue(value, kind)}</span>
                </div>
              ))}
            </div>
          )}
        </Panel>
        <Panel id="trend-orders" title="Daily orders" state={daily} className="span-8" isEmpty={noDays}>
          {(d) => (
            <TimeChart
              label="Daily orders"
              series={[
                { label: 'orders', color: '#60a5fa', points: points(d, (x) => x.orders) },
                { label: 'repeat', color: '#fb923c', points: points(d, (x) => x.repeatOrders) },
              ]}
            />
          )}
        </Panel>
        <Panel id="trend-segments" title="Orders per customer segment" state={segments} className="span-4">
          {(s) => <SegmentsView data={s} />}
        </Panel>
        <Panel
          id="trend-conversion"
          title="Session conversion per day"
          state={daily}
          className="span-8"
          isEmpty={noDays}
        >
          {(d) => (
            <TimeChart
              label="Session conversion per day"
              series={[
                {
                  label: 'conversion',
                  color: '#f472b6',
                  points: points(
                    d,
                    (x) => x.conversionRate,
                    (x) => x.sessions > 0,
                  ),
                },
              ]}
            />
          )}
        </Panel>
        <Panel
          id="trend-products"
          title="Top products"
          state={top}
          className="span-4"
          isEmpty={(t) => t.products.length === 0}
        >
          {(t) => <MartProductsView top={t} />}
        </Panel>
      </main>
      <footer className="foot">
        <a href="/docs">API reference</a> · {range.from} to {range.to} (UTC) · refreshed by{' '}
        <code>shopstream marts build</code>
      </footer>
    </div>
  );
}
