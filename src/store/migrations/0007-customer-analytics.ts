/**
 * Customer analytics (docs/customer-analytics.md), schema `mart`:
 * - `customer_rfm`: one snapshot per as-of day (history: segment moves over time), one row per
 *   customer with an order by that day: recency/frequency/monetary, their 1-5 scores, segment.
 * - `customer_cohorts`: monthly acquisition cohorts of the latest run: retention and revenue per
 *   month since the first order.
 * - `clv_runs`: one row per CLV run: as-of day, horizon, discount rate, the fitted BG/NBD and
 *   Gamma-Gamma parameters and their diagnostics (log-likelihood, iterations, convergence).
 * - `customer_clv`: per customer, the latest run's summary (x, t_x, T, m in days), historical CLV
 *   (net revenue to date) and predictions (expected purchases, P(alive), expected spend, CLV).
 * - `dim_customers.rfm_segment`, `.predicted_clv`: the latest segment and predicted CLV on every
 *   version of the customer, set by the customer-analytics job (NULL after a marts build until the
 *   job runs again: the marts build republishes dim_customers whole).
 */
export const id = '0007_customer_analytics';

export const statements: readonly string[] = [
  `CREATE TABLE mart.customer_rfm (
    as_of_date date NOT NULL,
    customer_id text NOT NULL,
    recency_days integer NOT NULL,
    frequency integer NOT NULL,
    monetary numeric(20,6) NOT NULL,
    r_score smallint NOT NULL,
    f_score smallint NOT NULL,
    m_score smallint NOT NULL,
    fm_score smallint NOT NULL,
    rfm_score text NOT NULL,
    segment text NOT NULL,
    run_id text NOT NULL,
    PRIMARY KEY (as_of_date, customer_id))`,
  `CREATE INDEX customer_rfm_customer ON mart.customer_rfm (customer_id, as_of_date)`,
  `CREATE TABLE mart.customer_cohorts (
    cohort_month date NOT NULL,
    months_since integer NOT NULL,
    as_of_date date NOT NULL,
    cohort_size integer NOT NULL,
    active_customers integer NOT NULL,
    retention double precision NOT NULL,
    orders integer NOT NULL,
    revenue numeric(20,6) NOT NULL,
    cumulative_revenue_per_customer double precision NOT NULL,
    PRIMARY KEY (cohort_month, months_since))`,
  `CREATE TABLE mart.clv_runs (
    run_id text PRIMARY KEY,
    as_of_date date NOT NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    customers integer NOT NULL,
    time_unit text NOT NULL,
    horizon_months integer NOT NULL,
    monthly_discount_rate double precision NOT NULL,
    purchases_horizon_days integer NOT NULL,
    bgnbd_r double precision NULL,
    bgnbd_alpha double precision NULL,
    bgnbd_a double precision NULL,
    bgnbd_b double precision NULL,
    bgnbd_log_likelihood double precision NULL,
    bgnbd_iterations integer NOT NULL,
    bgnbd_converged boolean NOT NULL,
    bgnbd_fit_ms double precision NOT NULL,
    gg_customers integer NOT NULL,
    gg_p double precision NULL,
    gg_q double precision NULL,
    gg_v double precision NULL,
    gg_log_likelihood double precision NULL,
    gg_iterations integer NOT NULL,
    gg_converged boolean NOT NULL,
    gg_fit_ms double precision NOT NULL)`,
  `CREATE INDEX clv_runs_as_of ON mart.clv_runs (as_of_date, finished_at)`,
  `CREATE TABLE mart.customer_clv (
    customer_id text PRIMARY KEY,
    run_id text NOT NULL,
    as_of_date date NOT NULL,
    frequency integer NOT NULL,
    recency_days integer NOT NULL,
    age_days integer NOT NULL,
    avg_repeat_value double precision NOT NULL,
    orders integer NOT NULL,
    historical_clv numeric(20,6) NOT NULL,
    expected_purchases double precision NOT NULL,
    probability_alive double precision NOT NULL,
    expected_spend double precision NOT NULL,
    predicted_clv double precision NOT NULL)`,
  `CREATE INDEX customer_clv_predicted ON mart.customer_clv (predicted_clv DESC)`,
  `ALTER TABLE mart.dim_customers ADD COLUMN rfm_segment text NULL`,
  `ALTER TABLE mart.dim_customers ADD COLUMN predicted_clv double precision NULL`,
];
