import { formatValue } from '../lib/format.js';
import type { MartSegments } from '../lib/mart-types.js';

/** Orders per customer segment (bars relative to the largest), with customers and revenue. */
export function SegmentsView({ data }: { data: MartSegments }) {
  const most = Math.max(1, ...data.segments.map((s) => s.orders));
  return (
    <>
      <ul className="segments">
        {data.segments.map((s) => (
          <li key={s.segment} data-segment={s.segment} data-orders={s.orders} data-customers={s.customers}>
            <div className="funnel-row">
              <span className="segment-name">{s.segment}</span>
              <span className="num">
                {formatValue(s.orders, 'count')} orders · {formatValue(s.revenue, 'money')}
              </span>
            </div>
            <div className="bar-track">
              <div className="bar" style={{ width: `${(s.orders / most) * 100}%` }} />
            </div>
            <div className="funnel-rate">{formatValue(s.customers, 'count')} customers now</div>
          </li>
        ))}
      </ul>
      <p className="muted small">{data.segmentation}</p>
    </>
  );
}
