import { useState } from 'react';
import { apiGet, apiPost } from './lib/api-client.js';
import type {
  Alert,
  Funnel,
  KpiSeries,
  KpiSummary,
  PipelineStatus,
  QualitySummary,
  DqRun,
  Uniques,
  RecentOrder,
  Session,
  TopProducts,
} from './lib/api-types.js';
import { currentWindow, effectiveGrain, type GrainChoice, type RangeId } from './lib/time-range.js';
import { mergeLiveWindows } from './lib/merge-live-windows.js';
import { openBucketStartMs } from './lib/incomplete-window.js';
import { useApiQuery } from './hooks/use-api-query.js';
import { useLiveStream } from './hooks/use-live-stream.js';
import { HeaderBar } from './components/header-bar.js';
import { ApiKeyForm } from './components/api-key-form.js';
import { KpiTiles, TILE_METRICS } from './components/kpi-tiles.js';
import { Panel } from './components/panel.js';
import { TimeChart } from './components/time-chart.js';
import { FunnelView } from './components/funnel-view.js';
import { TopProductsView } from './components/top-products-view.js';
import { OrderFeedView } from './components/order-feed-view.js';
import { AlertsView } from './components/alerts-view.js';
import { QualityView } from './components/quality-view.js';
import { PipelineView } from './components/pipeline-view.js';
import { KpiDrilldown, type DrilldownTarget } from './components/kpi-drilldown.js';

const SERIES_METRICS = [
  ...new Set([...TILE_METRICS.map((t) => t.metric), 'events_click', 'events_add_to_cart']),
];

export function App() {
  const [range, setRange] = useState<RangeId>('1h');
  const [grain, setGrain] = useState<GrainChoice>('auto');
  const [channel, setChannel] = useState('');
  const [topBy, setTopBy] = useState<'revenue' | 'units'>('revenue');
  const [authEpoch, setAuthEpoch] = useState(0);
  const [ackBusy, setAckBusy] = useState<string | undefined>(undefined);
  const [drill, setDrill] = useState<DrilldownTarget | undefined>(undefined);
  const live = useLiveStream();
  const tick = live.tick + authEpoch * 1_000_000;
  const g = effectiveGrain(range, grain);
  const key = `${range}|${g}|${channel}|${authEpoch}`;
  const filter = { channel: channel || undefined };

  const session = useApiQuery(() => apiGet<Session>('/api/v1/session'), `${authEpoch}`, authEpoch);
  const summary = useApiQuery(
    () => apiGet<KpiSummary>('/api/v1/kpis/summary', { ...currentWindow(range), ...filter }),
    key,
    tick,
  );
  const series = useApiQuery(
    () =>
      apiGet<KpiSeries>('/api/v1/kpis', {
        ...currentWindow(range),
        grain: g,
        metrics: SERIES_METRICS.join(','),
        ...filter,
      }),
    key,
    tick,
  );
  const funnel = useApiQuery(
    () =>
      Promise.all([
        apiGet<Funnel>('/api/v1/funnel', { ...currentWindow(range), ...filter }),
        apiGet<Uniques>('/api/v1/uniques', currentWindow(range)).catch(() => null),
      ]).then(([f, uniques]) => ({ ...f, uniques })),
    key,
    tick,
  );
  const top = useApiQuery(
    () => apiGet<TopProducts>('/api/v1/products/top', { ...currentWindow(range), by: topBy, limit: 8 }),
    `${key}|${topBy}`,
    tick,
  );
  const orders = useApiQuery(
    () => apiGet<{ orders: RecentOrder[] }>('/api/v1/orders/recent', { limit: 12 }),
    key,
    tick,
  );
  const alerts = useApiQuery(() => apiGet<{ alerts: Alert[] }>('/alerts/latest', { limit: 20 }), key, tick);
  const quality = useApiQuery(
    () =>
      Promise.all([
        apiGet<QualitySummary>('/api/v1/quality/quarantine', { ...currentWindow(range), grain: g }),
        apiGet<{ run: DqRun | null }>('/api/v1/quality/runs/latest'),
      ]).then(([q, dq]) => ({ ...q, dqRun: dq.run })),
    key,
    tick,
  );
  const pipeline = useApiQuery(() => apiGet<PipelineStatus>('/api/v1/pipeline/status'), key, tick);

  const shown = mergeLiveWindows(series.data, live.lastKpis);
  const openFromMs = openBucketStartMs(g, Date.now());
  const acknowledge = (id: string) => {
    setAckBusy(id);
    apiPost(`/api/v1/alerts/${encodeURIComponent(id)}/acknowledge`, {})
      .catch(() => undefined)
      .finally(() => {
        setAckBusy(undefined);
        setAuthEpoch((e) => e + 1);
      });
  };
  const explain = (metric: string, windowStartMs: number, note?: string) => {
    const tile = TILE_METRICS.find((t) => t.metric === metric);
    setDrill({
      metric,
      label: tile?.label ?? metric,
      kind: tile?.kind ?? 'count',
      windowStartMs: Math.floor(windowStartMs / 60_000) * 60_000,
      ...(note === undefined ? {} : { note }),
    });
  };
  /** A chart point is a window of the grain: its first minute is explained, the arrows step on. */
  const explainPoint = (metric: string) => (windowStartMs: number) =>
    explain(
      metric,
      windowStartMs,
      g === 'minute'
        ? undefined
        : `The point is the ${g} from ${new Date(windowStartMs).toISOString().slice(0, 16).replace('T', ' ')} UTC; its first minute is explained. Step through its minutes with the arrows.`,
    );
  const needsKey = [summary.error, series.error].some(
    (e) => e !== undefined && /401|UNAUTHORIZED/.test(`${e.message}`),
  );

  return (
    <div className="app">
      <HeaderBar
        range={range}
        grain={grain}
        channel={channel}
        connected={live.connected}
        lastUpdateAt={live.lastUpdateAt}
        onRange={setRange}
        onGrain={setGrain}
        onChannel={setChannel}
        keyForm={<ApiKeyForm session={session.data} onChange={() => setAuthEpoch((e) => e + 1)} />}
      />
      {needsKey && (
        <p className="banner" role="alert">
          This API requires a key for reads: use “Sign in with key”.
        </p>
      )}
      <main className="grid">
        <KpiTiles
          summary={summary.data}
          series={shown}
          error={summary.error}
          openFromMs={openFromMs}
          onExplain={(metric) => explain(metric, Math.floor(Date.now() / 60_000) * 60_000 - 60_000)}
        />
        {drill !== undefined && (
          <KpiDrilldown
            target={drill}
            onMove={(ms) =>
              setDrill({ metric: drill.metric, label: drill.label, kind: drill.kind, windowStartMs: ms })
            }
            onClose={() => setDrill(undefined)}
          />
        )}
        <Panel
          id="revenue-chart"
          title={`Revenue per ${g}`}
          state={{ ...series, data: shown }}
          className="span-8"
          isEmpty={(s) => (s.series.revenue ?? []).length === 0}
        >
          {(s) => (
            <TimeChart
              label={`Revenue per ${g}`}
              openFromMs={openFromMs}
              onPick={explainPoint('revenue')}
              series={[{ label: 'revenue', color: '#4ade80', points: s.series.revenue ?? [] }]}
            />
          )}
        </Panel>
        <Panel
          id="alerts"
          title="Alerts"
          state={alerts}
          className="span-4"
          isEmpty={(a) => a.alerts.length === 0}
          emptyText="No alerts: every KPI is within its band."
        >
          {(a) => (
            <AlertsView
              alerts={a.alerts}
              canAcknowledge={session.data?.role === 'operator' || session.data?.role === 'admin'}
              onAcknowledge={acknowledge}
              busyId={ackBusy}
            />
          )}
        </Panel>
        <Panel
          id="events-chart"
          title={`Events per ${g}`}
          state={{ ...series, data: shown }}
          className="span-8"
          isEmpty={(s) => (s.series.events_total ?? []).length === 0}
        >
          {(s) => (
            <TimeChart
              label={`Events per ${g}`}
              openFromMs={openFromMs}
              onPick={explainPoint('events_total')}
              series={[
                { label: 'all events', color: '#a78bfa', points: s.series.events_total ?? [] },
                { label: 'clicks', color: '#60a5fa', points: s.series.events_click ?? [] },
                { label: 'add to cart', color: '#fb923c', points: s.series.events_add_to_cart ?? [] },
                { label: 'purchases', color: '#4ade80', points: s.series.events_purchase ?? [] },
              ]}
            />
          )}
        </Panel>
        <Panel
          id="pipeline"
          title="Pipeline health"
          state={pipeline}
          className="span-4"
          isEmpty={(p) => p.partitions.length === 0}
          emptyText="No processor has committed yet."
        >
          {(p) => <PipelineView status={p} />}
        </Panel>
        <Panel
          id="funnel"
          title="Conversion funnel"
          state={funnel}
          className="span-4"
          isEmpty={(f) => (f.steps[0]?.count ?? 0) === 0}
        >
          {(f) => <FunnelView funnel={f} />}
        </Panel>
        <Panel
          id="top-products"
          title="Top products"
          state={top}
          className="span-4"
          isEmpty={(t) => t.products.length === 0}
          actions={
            <div className="seg small" role="group" aria-label="Rank products by">
              {(['revenue', 'units'] as const).map((b) => (
                <button
                  key={b}
                  type="button"
                  aria-pressed={topBy === b}
                  className={topBy === b ? 'active' : ''}
                  onClick={() => setTopBy(b)}
                >
                  {b}
                </button>
              ))}
            </div>
          }
        >
          {(t) => <TopProductsView top={t} />}
        </Panel>
        <Panel
          id="orders"
          title="Live orders"
          state={orders}
          className="span-4"
          isEmpty={(o) => o.orders.length === 0}
          emptyText="No purchases yet."
        >
          {(o) => <OrderFeedView orders={o.orders} />}
        </Panel>
        <Panel id="quality" title="Data quality" state={quality} className="span-12">
          {(q) => <QualityView quality={q} />}
        </Panel>
      </main>
      <footer className="foot">
        <a href="/docs">API reference</a> · times are UTC · {range} range, {g} grain
        {channel ? `, channel ${channel}` : ''}
      </footer>
    </div>
  );
}
