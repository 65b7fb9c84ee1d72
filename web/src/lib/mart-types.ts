/** Response shapes of the mart routes (docs/api.md, "Mart routes"). Days are YYYY-MM-DD (UTC). */
export interface PageInfo {
  limit: number;
  offset: number;
  total: number;
}
export interface MartDay {
  date: string;
  events: number;
  revenue: number;
  orders: number;
  grossRevenue: number;
  netRevenue: number;
  newCustomerOrders: number;
  repeatOrders: number;
  avgOrderValue: number;
  sessions: number;
  convertedSessions: number;
  conversionRate: number;
}
export interface MartDaily {
  from: string;
  to: string;
  days: MartDay[];
}
export interface MartProduct {
  productId: string;
  category: string | null;
  views: number;
  cartAdds: number;
  orders: number;
  units: number;
  revenue: number;
  refundAmount: number;
  viewToPurchaseRate: number;
}
export interface MartProducts {
  by: string;
  products: MartProduct[];
  page: PageInfo;
}
export interface MartSegment {
  segment: string;
  customers: number;
  lifetimeNetRevenue: number;
  orders: number;
  revenue: number;
}
export interface MartSegments {
  segmentation: string;
  segments: MartSegment[];
}
export interface MartSessionSummary {
  sessions: number;
  convertedSessions: number;
  conversionRate: number;
  avgDurationS: number;
  avgEvents: number;
  revenue: number;
}
export interface MartSessions {
  summary: MartSessionSummary;
  sessions: Array<{
    sessionKey: string;
    startTime: string;
    channel: string | null;
    events: number;
    hasPurchase: boolean;
    revenue: number;
  }>;
  page: PageInfo;
}
