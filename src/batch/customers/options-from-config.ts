import type { Config } from '../../config/index.js';
import type { CustomerAnalyticsOptions } from './build-customer-analytics.js';

/** The options of the customer-analytics job from a configuration. */
export function customerAnalyticsOptionsOf(config: Readonly<Config>): CustomerAnalyticsOptions {
  const c = config.customers;
  return {
    segmentRules: c.segmentRules,
    horizonMonths: c.clvHorizonMonths,
    monthlyDiscountRate: c.clvMonthlyDiscountRate,
    purchasesHorizonDays: c.purchasesHorizonDays,
    publishBatchRows: c.publishBatchRows,
  };
}
