import { formatValue } from '../lib/format.js';
import type { TopProducts } from '../lib/api-types.js';

export function TopProductsView({ top }: { top: TopProducts }) {
  return (
    <table className="table">
      <caption className="sr-only">Top products by {top.by}</caption>
      <thead>
        <tr>
          <th scope="col">Product</th>
          <th scope="col">Category</th>
          <th scope="col" className="num">
            Units
          </th>
          <th scope="col" className="num">
            Revenue
          </th>
        </tr>
      </thead>
      <tbody>
        {top.products.map((p) => (
          <tr key={p.productId}>
            <td className="mono">{p.productId}</td>
            <td>{p.category ?? '—'}</td>
            <td className="num">{formatValue(p.units, 'count')}</td>
            <td className="num">{formatValue(p.revenue, 'money')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
