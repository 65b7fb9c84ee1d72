import { ShopError } from '../errors/index.js';
import type { DimensionFilter } from './queries/kpi-counter-queries.js';

/**
 * At most one of channel / category / store: the dimension tallies (`serving.kpi_dim_counts`)
 * are kept per dimension, not per combination, so a combined filter has no exact answer.
 */
export function parseDimensionFilter(q: {
  channel?: string;
  category?: string;
  store?: string;
}): DimensionFilter | undefined {
  const given = (['channel', 'category', 'store'] as const).filter((d) => q[d] !== undefined && q[d] !== '');
  if (given.length > 1)
    throw new ShopError('SHOP_API_BAD_REQUEST', 'filter by at most one of channel, category, store');
  const dimension = given[0];
  return dimension === undefined ? undefined : { dimension, value: q[dimension]! };
}
