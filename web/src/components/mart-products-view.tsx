import { formatValue } from '../lib/format.js';
import type { MartProducts } from '../lib/mart-types.js';

/** Top products of the mart range: units, views, view-to-purchase rate and revenue. */
export function MartProductsView({ top }: { top: MartProducts }) {
  return (
    <table className="table">
      <caption className="sr-only">Top products by {top.by}</caption>
      <thead>
        <tr>
          <th scope="col">Product</th>
          <th scope="col">Category</th>
          <th scope="col" className="num">
            Views
          </th>
          <th scope="col" className="num">
            Units
          </th>
          <th scope="col" className="num">
            View → buy
          </th>
          <th scope="col" className="num">
            Revenue
          </th>
        </tr>
      </thead>
      <tbody>
        {top.products.map((p) => (
          <tr key={p.productId} data-product={p.productId} data-revenue={p.revenue}>
            <td className="mono">{p.productId}</td>
            <td>{p.category ?? '—'}</td>
            <td className="num">{formatValue(p.views, 'count')}</td>
            <td className="num">{formatValue(p.units, 'count')}</td>
            <td className="num">{formatValue(p.viewToPurchaseRate, 'rate')}</td>
            <td className="num">{formatValue(p.revenue, 'money')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
