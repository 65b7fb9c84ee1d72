/** Answers of the customer-analytics routes (src/api/schemas/customer-schemas.ts). */
export interface CustomerSegments {
  asOf: string | null;
  customers: number;
  segments: {
    segment: string;
    customers: number;
    customerShare: number;
    revenue: number;
    revenueShare: number;
  }[];
}

export interface ClvSummary {
  run: { asOf: string; customers: number; horizonMonths: number } | null;
  totals: { customers: number; historicalClv: number; predictedClv: number; meanPredictedClv: number };
  distribution: { from: number; to: number; customers: number }[];
  top: {
    customerId: string;
    segment: string | null;
    orders: number;
    historicalClv: number;
    predictedClv: number;
    probabilityAlive: number;
  }[];
}

export interface CustomerCohorts {
  asOf: string | null;
  cohorts: { cohortMonth: string; monthsSince: number; cohortSize: number; retention: number }[];
}
