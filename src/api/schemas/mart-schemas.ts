import { Type } from '@sinclair/typebox';

/** TypeBox schemas of the mart routes (/api/v1/marts/*, /api/v1/sessions). Days are `YYYY-MM-DD` (UTC). */
const Day = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'UTC day, YYYY-MM-DD (both ends included)',
});
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const DayRangeQuery = { from: Type.Optional(Day), to: Type.Optional(Day) };
export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
};
export const PageInfo = Type.Object({ limit: Type.Integer(), offset: Type.Integer(), total: Type.Integer() });

export const DailyDay = Type.Object({
  date: Day,
  events: Type.Number(),
  revenue: Type.Number({ description: 'Σ price × quantity of purchase events (daily_aggregations)' }),
  orders: Type.Number({ description: 'fact_orders of the day, streamed and imported' }),
  grossRevenue: Type.Number({ description: 'Σ gross revenue of those orders' }),
  netRevenue: Type.Number({ description: 'gross − refunds of those orders' }),
  newCustomerOrders: Type.Number(),
  repeatOrders: Type.Number(),
  avgOrderValue: Type.Number({ description: 'fact_orders gross ÷ orders' }),
  sessions: Type.Number(),
  convertedSessions: Type.Number(),
  conversionRate: Type.Number({ description: 'converted sessions ÷ sessions' }),
});

export const DailyAggregation = Type.Object({
  date: Day,
  category: Type.String(),
  eventType: Type.String(),
  totalEvents: Type.Number(),
  totalRevenue: Type.Number(),
  uniqueUsers: Type.Number(),
  uniqueSessions: Type.Number(),
  conversionRate: Type.Number(),
  avgOrderValue: Type.Number(),
  topProducts: Type.Array(
    Type.Object({ product_id: Type.String(), events: Type.Number(), revenue: Type.Number() }),
  ),
});

export const MartProduct = Type.Object({
  productId: Type.String(),
  category: Nullable(Type.String()),
  views: Type.Number(),
  cartAdds: Type.Number(),
  orders: Type.Number(),
  units: Type.Number(),
  revenue: Type.Number(),
  refundAmount: Type.Number(),
  viewToPurchaseRate: Type.Number({ description: 'Σ converted sessions ÷ Σ viewing sessions of the range' }),
});

export const Segment = Type.Object({
  segment: Type.String(),
  customers: Type.Number({ description: 'customers whose current version is in the segment' }),
  lifetimeNetRevenue: Type.Number(),
  orders: Type.Number({ description: 'orders of the range placed while in the segment' }),
  revenue: Type.Number(),
});

export const SessionItem = Type.Object({
  sessionKey: Type.String(),
  sessionId: Type.String(),
  userId: Type.String(),
  date: Day,
  startTime: Type.String(),
  endTime: Type.String(),
  durationS: Type.Number(),
  events: Type.Number(),
  pageViews: Type.Number(),
  productsViewed: Type.Number(),
  cartAdds: Type.Number(),
  hasCheckout: Type.Boolean(),
  hasPurchase: Type.Boolean(),
  orders: Type.Number(),
  revenue: Type.Number(),
  channel: Nullable(Type.String()),
  landingPage: Nullable(Type.String()),
  device: Nullable(Type.String()),
  country: Nullable(Type.String()),
  storeId: Nullable(Type.String()),
});

export const SessionSummary = Type.Object({
  sessions: Type.Number(),
  convertedSessions: Type.Number(),
  conversionRate: Type.Number(),
  avgDurationS: Type.Number(),
  avgEvents: Type.Number(),
  revenue: Type.Number(),
});
