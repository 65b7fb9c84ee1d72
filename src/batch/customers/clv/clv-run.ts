import type { CustomerOrder } from '../customer-orders.js';
import { fitBgNbd, type BgNbdParams, type FitDiagnostics } from './bg-nbd.js';
import { predictCustomer, type ClvOptions, type CustomerPrediction } from './customer-lifetime-value.js';
import { fitGammaGamma, type GammaGammaParams } from './gamma-gamma.js';
import { purchaseSummary, type PurchaseSummary } from './purchase-summary.js';

export interface ClvRun {
  readonly runId: string;
  readonly asOfDay: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly customers: number;
  readonly options: ClvOptions;
  /** params null: no customer, nothing to fit (predictions are then 0). */
  readonly bgNbd: { readonly params: BgNbdParams | null; readonly fit: FitDiagnostics };
  readonly gammaGamma: { readonly params: GammaGammaParams | null; readonly fit: FitDiagnostics };
}

export interface CustomerClvRow {
  readonly customerId: string;
  readonly summary: PurchaseSummary;
  readonly orders: number;
  /** Net revenue to date (Σ of the customer's orders up to the as-of day). */
  readonly historicalClv: number;
  readonly prediction: CustomerPrediction;
}

const NO_FIT: FitDiagnostics = {
  logLikelihood: 0,
  iterations: 0,
  evaluations: 0,
  converged: false,
  customers: 0,
  elapsedMs: 0,
};
/** Without repeat customers there is no spend model: q = 1 makes E[spend] the customer's own m (0). */
const NO_SPEND_MODEL: GammaGammaParams = { p: 1, q: 1, v: 1 };
const ZERO: CustomerPrediction = {
  expectedPurchases: 0,
  probabilityAlive: 0,
  expectedSpend: 0,
  predictedClv: 0,
};

/**
 * One CLV run as of `asOfDay` (days since epoch): every customer's summary, the BG/NBD and
 * Gamma-Gamma fits over all of them, and each customer's predictions. Pure computation.
 */
export function runClv(
  byCustomer: ReadonlyMap<string, readonly CustomerOrder[]>,
  asOfDay: number,
  options: ClvOptions,
): { bgNbd: ClvRun['bgNbd']; gammaGamma: ClvRun['gammaGamma']; rows: CustomerClvRow[] } {
  const ids = [...byCustomer.keys()].sort();
  const summaries = ids.map((id) => purchaseSummary(byCustomer.get(id)!, asOfDay));
  const bg = summaries.length === 0 ? { params: null, fit: NO_FIT } : fitBgNbd(summaries);
  const ggFit = fitGammaGamma(summaries);
  const gg = ggFit.fit.customers === 0 ? { params: null, fit: ggFit.fit } : ggFit;
  const rows = ids.map((customerId, i) => {
    const orders = byCustomer.get(customerId)!;
    const summary = summaries[i]!;
    return {
      customerId,
      summary,
      orders: orders.length,
      historicalClv: Math.round(orders.reduce((s, o) => s + o.netRevenue, 0) * 1e6) / 1e6,
      prediction:
        bg.params === null ? ZERO : predictCustomer(bg.params, gg.params ?? NO_SPEND_MODEL, summary, options),
    };
  });
  return { bgNbd: bg, gammaGamma: gg, rows };
}
