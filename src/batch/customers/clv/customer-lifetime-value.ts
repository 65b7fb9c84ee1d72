import { expectedPurchases, probabilityAlive, type BgNbdParams } from './bg-nbd.js';
import { expectedSpend, type GammaGammaParams } from './gamma-gamma.js';
import type { PurchaseSummary } from './purchase-summary.js';

/** A month is 30 days, as `lifetimes` counts it for daily data (its factor for freq = 'D'). */
export const DAYS_PER_MONTH = 30;

export interface ClvOptions {
  readonly horizonMonths: number;
  /** Monthly discount rate, e.g. 0.01. */
  readonly monthlyDiscountRate: number;
  /** The horizon of `expectedPurchases` (days), reported beside the CLV. */
  readonly purchasesHorizonDays: number;
}

export interface CustomerPrediction {
  readonly expectedPurchases: number;
  readonly probabilityAlive: number;
  readonly expectedSpend: number;
  /** Discounted expected net revenue over the horizon. */
  readonly predictedClv: number;
}

/**
 * The predictions of one customer. Discounted CLV over H months (lifetimes' DCF loop):
 *   CLV = Σ_{i=1..H} E[spend] · (E[X(30 i)] − E[X(30 (i − 1))]) / (1 + d)^i
 * where E[X(t)] is the BG/NBD expected number of purchases in the next t days.
 */
export function predictCustomer(
  bg: BgNbdParams,
  gg: GammaGammaParams,
  c: PurchaseSummary,
  o: ClvOptions,
): CustomerPrediction {
  const spend = expectedSpend(gg, c);
  let clv = 0;
  let previous = 0;
  for (let i = 1; i <= o.horizonMonths; i++) {
    const cumulative = expectedPurchases(bg, c, i * DAYS_PER_MONTH);
    clv += (spend * (cumulative - previous)) / (1 + o.monthlyDiscountRate) ** i;
    previous = cumulative;
  }
  return {
    expectedPurchases: expectedPurchases(bg, c, o.purchasesHorizonDays),
    probabilityAlive: probabilityAlive(bg, c),
    expectedSpend: spend,
    predictedClv: clv,
  };
}
