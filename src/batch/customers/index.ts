export {
  buildCustomerAnalytics,
  type CustomerAnalyticsOptions,
  type CustomerAnalyticsResult,
} from './build-customer-analytics.js';
export { parseSegmentRules } from './rfm/segment-rules.js';
