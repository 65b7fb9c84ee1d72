import { useState } from 'react';
import { apiGet } from '../lib/api-client.js';
import { formatValue } from '../lib/format.js';
import type { ClvSummary, CustomerCohorts, CustomerSegments } from '../lib/customer-types.js';
import { useApiQuery } from '../hooks/use-api-query.js';
import { Panel } from '../components/panel.js';
import '../trends.css';
import '../customers.css';
import { BatchPageHeader } from '../components/batch-page-header.js';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function SegmentBars({ data }: { data: CustomerSegments }) {
  return (
    <ul className="segments">
      {data.segments.map((s) => (
        <li
          key={s.segment}
          data-segment={s.segment}
          data-customers={s.customers}
          data-revenue-share={s.revenueShare}
        >
          <div className="funnel-row">
            <span className="segment-name">{s.segment}</span>
            <span className="num">
              {formatValue(s.customers, 'count')} · {pct(s.customerShare)} of customers ·{' '}
              {pct(s.revenueShare)} of revenue
            </span>
          </div>
          <div className="bar-track">
            <div className="bar" style={{ width: `${s.revenueShare * 100}%` }} />
          </div>
        </li>
      ))}
    </ul>
  );
}

function CohortHeatmap({ data }: { data: CustomerCohorts }) {
  const months = [...new Set(data.cohorts.map((c) => c.cohortMonth))];
  const width = Math.max(0, ...data.cohorts.map((c) => c.monthsSince)) + 1;
  const cell = new Map(data.cohorts.map((c) => [`${c.cohortMonth}|${c.monthsSince}`, c]));
  return (
    <div className="table-scroll">
      <table className="heatmap">
        <thead>
          <tr>
            <th>cohort</th>
            <th>size</th>
            {Array.from({ length: width }, (_, k) => (
              <th key={k}>+{k}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {months.map((m) => (
            <tr key={m} data-cohort={m}>
              <td>{m.slice(0, 7)}</td>
              <td className="num">{cell.get(`${m}|0`)?.cohortSize ?? 0}</td>
              {Array.from({ length: width }, (_, k) => {
                const c = cell.get(`${m}|${k}`);
                return c === undefined ? (
                  <td key={k} />
                ) : (
                  <td
                    key={k}
                    data-month={k}
                    data-retention={c.retention}
                    style={{ background: `rgba(74, 222, 128, ${0.1 + 0.9 * c.retention})` }}
                  >
                    {pct(c.retention)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ClvView({ data }: { data: ClvSummary }) {
  const most = Math.max(1, ...data.distribution.map((b) => b.customers));
  return (
    <>
      <p className="muted small">
        predicted {formatValue(data.totals.predictedClv, 'money')} over {data.run?.horizonMonths ?? 0} months
        · historical {formatValue(data.totals.historicalClv, 'money')} · mean{' '}
        {formatValue(data.totals.meanPredictedClv, 'money')}
      </p>
      <ul className="segments" data-testid="clv-distribution">
        {data.distribution.map((b, i) => (
          <li key={i} data-bucket={i} data-customers={b.customers}>
            <div className="funnel-row">
              <span className="segment-name">
                {formatValue(b.from, 'money')}
                {i === data.distribution.length - 1 ? '+' : ` – ${formatValue(b.to, 'money')}`}
              </span>
              <span className="num">{formatValue(b.customers, 'count')}</span>
            </div>
            <div className="bar-track">
              <div className="bar" style={{ width: `${(b.customers / most) * 100}%` }} />
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

function TopCustomers({ data }: { data: ClvSummary }) {
  return (
    <div className="table-scroll">
      <table>
        <thead>
          <tr>
            <th>customer</th>
            <th>segment</th>
            <th>orders</th>
            <th>historical</th>
            <th>predicted</th>
            <th>P(alive)</th>
          </tr>
        </thead>
        <tbody>
          {data.top.map((c) => (
            <tr key={c.customerId} data-customer={c.customerId} data-predicted={c.predictedClv}>
              <td>{c.customerId}</td>
              <td>{c.segment ?? '-'}</td>
              <td className="num">{c.orders}</td>
              <td className="num">{formatValue(c.historicalClv, 'money')}</td>
              <td className="num">{formatValue(c.predictedClv, 'money')}</td>
              <td className="num">{c.probabilityAlive.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Customer analytics (shopstream customers build): RFM segments, cohorts, CLV, top customers. */
export function CustomersPage() {
  const [refresh, setRefresh] = useState(0);
  const segments = useApiQuery(() => apiGet<CustomerSegments>('/api/v1/customers/segments', {}), '', refresh);
  const cohorts = useApiQuery(() => apiGet<CustomerCohorts>('/api/v1/customers/cohorts', {}), '', refresh);
  const clv = useApiQuery(
    () => apiGet<ClvSummary>('/api/v1/customers/clv/summary', { top: 10 }),
    '',
    refresh,
  );
  const empty = 'No customer analytics yet: run shopstream customers build.';
  return (
    <div className="app trends" data-testid="customers-page">
      <BatchPageHeader
        title="customers"
        subtitle={
          <span className="muted">RFM as of {segments.data?.asOf ?? '-'}, BG/NBD + Gamma-Gamma CLV</span>
        }
        onRefresh={() => setRefresh((r) => r + 1)}
      />
      <main className="grid">
        <Panel
          id="customer-segments"
          title="RFM segments"
          state={segments}
          className="span-4"
          isEmpty={(s) => s.asOf === null}
          emptyText={empty}
        >
          {(s) => <SegmentBars data={s} />}
        </Panel>
        <Panel
          id="customer-cohorts"
          title="Cohort retention"
          state={cohorts}
          className="span-8"
          isEmpty={(c) => c.cohorts.length === 0}
          emptyText={empty}
        >
          {(c) => <CohortHeatmap data={c} />}
        </Panel>
        <Panel
          id="customer-clv"
          title="Predicted CLV distribution"
          state={clv}
          className="span-4"
          isEmpty={(c) => c.run === null}
          emptyText={empty}
        >
          {(c) => <ClvView data={c} />}
        </Panel>
        <Panel
          id="customer-top"
          title="Top customers by predicted CLV"
          state={clv}
          className="span-8"
          isEmpty={(c) => c.run === null}
          emptyText={empty}
        >
          {(c) => <TopCustomers data={c} />}
        </Panel>
      </main>
    </div>
  );
}
