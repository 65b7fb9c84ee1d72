import { Type } from '@sinclair/typebox';

/** TypeBox schemas of the customer-analytics routes (/api/v1/customers/*). Days are `YYYY-MM-DD` (UTC). */
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'UTC day, YYYY-MM-DD' });
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const AsOfQuery = Type.Object({
  asOf: Type.Optional({ ...Day, description: 'The snapshot of this as-of day (default: the latest one)' }),
});

export const SegmentStat = Type.Object({
  segment: Type.String(),
  customers: Type.Number(),
  customerShare: Type.Number({ description: 'customers ÷ all customers of the snapshot' }),
  revenue: Type.Number({ description: 'Σ monetary (net revenue to date) of the segment' }),
  revenueShare: Type.Number({ description: 'revenue ÷ Σ revenue of the snapshot (0 when that is 0)' }),
  avgRecencyDays: Type.Number(),
  avgFrequency: Type.Number(),
});

export const SegmentsResponse = Type.Object({
  asOf: Type.Union([Day, Type.Null()], {
    description: 'null: no RFM snapshot yet (shopstream customers rfm)',
  }),
  customers: Type.Number(),
  segmentRules: Type.String({ description: 'customers.segmentRules in effect' }),
  segments: Type.Array(SegmentStat),
  snapshots: Type.Array(Day, {
    description: 'every as-of day with a stored snapshot, newest first (max 90)',
  }),
});

export const ClvRunSchema = Type.Object({
  runId: Type.String(),
  asOf: Day,
  finishedAt: Type.String(),
  customers: Type.Number(),
  horizonMonths: Type.Number(),
  monthlyDiscountRate: Type.Number(),
  purchasesHorizonDays: Type.Number(),
  bgNbd: Type.Object({
    r: NullableNumber,
    alpha: NullableNumber,
    a: NullableNumber,
    b: NullableNumber,
    logLikelihood: NullableNumber,
    iterations: Type.Number(),
    converged: Type.Boolean(),
    fitMs: Type.Number(),
  }),
  gammaGamma: Type.Object({
    customers: Type.Number(),
    p: NullableNumber,
    q: NullableNumber,
    v: NullableNumber,
    logLikelihood: NullableNumber,
    iterations: Type.Number(),
    converged: Type.Boolean(),
    fitMs: Type.Number(),
  }),
});

export const TopCustomer = Type.Object({
  customerId: Type.String({ description: 'masked per processor.piiMasking' }),
  segment: Type.Union([Type.String(), Type.Null()]),
  orders: Type.Number(),
  historicalClv: Type.Number(),
  predictedClv: Type.Number(),
  probabilityAlive: Type.Number(),
  expectedPurchases: Type.Number(),
});

export const ClvSummaryResponse = Type.Object({
  run: Type.Union([ClvRunSchema, Type.Null()], { description: 'null: no CLV run yet' }),
  totals: Type.Object({
    customers: Type.Number(),
    historicalClv: Type.Number(),
    predictedClv: Type.Number(),
    meanPredictedClv: Type.Number(),
    medianPredictedClv: Type.Number(),
  }),
  distribution: Type.Array(
    Type.Object({ from: Type.Number(), to: Type.Number(), customers: Type.Number() }),
    {
      description:
        'predicted CLV histogram: 10 equal-width buckets from 0 to the 99th percentile, the last one open',
    },
  ),
  top: Type.Array(TopCustomer),
});

export const CohortCell = Type.Object({
  cohortMonth: Day,
  monthsSince: Type.Number(),
  cohortSize: Type.Number(),
  activeCustomers: Type.Number(),
  retention: Type.Number(),
  orders: Type.Number(),
  revenue: Type.Number(),
  cumulativeRevenuePerCustomer: Type.Number(),
});

export const CohortsResponse = Type.Object({
  asOf: Type.Union([Day, Type.Null()]),
  cohorts: Type.Array(CohortCell),
});

export const CustomerResponse = Type.Object({
  customerId: Type.String({ description: 'masked per processor.piiMasking' }),
  rfm: Type.Union([
    Type.Object({
      asOf: Day,
      recencyDays: Type.Number(),
      frequency: Type.Number(),
      monetary: Type.Number(),
      r: Type.Number(),
      f: Type.Number(),
      m: Type.Number(),
      rfmScore: Type.String(),
      segment: Type.String(),
    }),
    Type.Null(),
  ]),
  segmentHistory: Type.Array(Type.Object({ asOf: Day, segment: Type.String(), rfmScore: Type.String() }), {
    description: 'the segment of every stored snapshot, oldest first (max 365)',
  }),
  clv: Type.Union([
    Type.Object({
      asOf: Day,
      frequency: Type.Number({ description: 'repeat purchase days' }),
      recencyDays: Type.Number(),
      ageDays: Type.Number(),
      avgRepeatValue: Type.Number(),
      orders: Type.Number(),
      historicalClv: Type.Number(),
      expectedPurchases: Type.Number(),
      probabilityAlive: Type.Number(),
      expectedSpend: Type.Number(),
      predictedClv: Type.Number(),
    }),
    Type.Null(),
  ]),
});
