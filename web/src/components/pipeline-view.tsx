import { formatAgo, formatValue } from '../lib/format.js';
import type { PipelineStatus } from '../lib/api-types.js';

export function PipelineView({ status }: { status: PipelineStatus }) {
  const balanced = status.accounting.balanced;
  return (
    <div>
      <div className="stat-row">
        <div className="stat">
          <span className="stat-label">Events/s</span>
          <span className="stat-value" data-testid="events-per-sec">
            {status.eventsPerSec === null ? '—' : formatValue(status.eventsPerSec, 'count')}
          </span>
        </div>
        <div className="stat">
          <span className="stat-label">Freshness</span>
          <span className="stat-value">{formatAgo(status.freshnessMs)}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Lag</span>
          <span className="stat-value">
            {status.totalLag === null ? '—' : formatValue(status.totalLag, 'count')}
          </span>
        </div>
        <div className="stat">
          <span className="stat-label">Accounting</span>
          <span className={`stat-value ${balanced === false ? 'bad' : 'good'}`}>
            {balanced === null ? '—' : balanced ? 'balanced' : 'MISMATCH'}
          </span>
        </div>
      </div>
      <table className="table compact">
        <caption className="sr-only">Per-partition progress</caption>
        <thead>
          <tr>
            <th scope="col">Partition</th>
            <th scope="col" className="num">
              Committed
            </th>
            <th scope="col" className="num">
              Lag
            </th>
            <th scope="col" className="num">
              Freshness
            </th>
          </tr>
        </thead>
        <tbody>
          {status.partitions.map((p) => (
            <tr key={`${p.topic}:${p.partition}`}>
              <td>
                {p.topic.replace('ecom.events.', '')} / {p.partition}
              </td>
              <td className="num">{formatValue(p.nextOffset, 'count')}</td>
              <td className="num">{p.lag === null ? '—' : formatValue(p.lag, 'count')}</td>
              <td className="num">{formatAgo(p.freshnessMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
