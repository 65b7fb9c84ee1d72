import { formatClock, formatValue } from '../lib/format.js';
import type { RecentOrder } from '../lib/api-types.js';

/** Most recent purchases first (event time). */
export function OrderFeedView({ orders }: { orders: RecentOrder[] }) {
  return (
    <ul className="feed" aria-live="polite">
      {orders.map((o) => (
        <li key={`${o.orderId}:${o.productId ?? ''}:${o.ts}`} data-order={o.orderId}>
          <time dateTime={o.ts}>{formatClock(o.ts)}</time>
          <span className="mono feed-product">{o.productId ?? '—'}</span>
          <span className="muted">×{o.quantity}</span>
          <span className="chip">{o.channel ?? 'n/a'}</span>
          <span className="num">{formatValue(o.amount, 'money')}</span>
        </li>
      ))}
    </ul>
  );
}
