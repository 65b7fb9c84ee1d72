"""The independent reference: fits BG/NBD and Gamma-Gamma with the `lifetimes` package.

Usage: python fit_reference.py SUMMARY.csv OUT.json [--transactions TX.csv --as-of YYYY-MM-DD]
       [--horizon-months 12] [--discount-rate 0.01] [--t-days 90]

SUMMARY.csv: customer_id,frequency,recency,T,monetary (days; shopstream's summary).
TX.csv: customer_id,date,amount (one row per order); when given, lifetimes' own
summary_data_from_transaction_data (freq='D') is computed too and written under "summary", so the
caller can check shopstream's summary against it.
Gamma-Gamma is fitted on customers with frequency > 0 and monetary > 0, as shopstream does;
customers outside that set get the population mean spend (frequency passed as 0).
"""
import argparse
import json

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import _customer_lifetime_value, summary_data_from_transaction_data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("summary")
    ap.add_argument("out")
    ap.add_argument("--transactions")
    ap.add_argument("--as-of")
    ap.add_argument("--horizon-months", type=int, default=12)
    ap.add_argument("--discount-rate", type=float, default=0.01)
    ap.add_argument("--t-days", type=float, default=90)
    args = ap.parse_args()

    s = pd.read_csv(args.summary, dtype={"customer_id": str}).set_index("customer_id")
    bgf = BetaGeoFitter(penalizer_coef=0.0)
    bgf.fit(s["frequency"], s["recency"], s["T"])
    gg_rows = s[(s["frequency"] > 0) & (s["monetary"] > 0)]
    ggf = GammaGammaFitter(penalizer_coef=0.0)
    ggf.fit(gg_rows["frequency"], gg_rows["monetary"])

    fits = (s["frequency"] > 0) & (s["monetary"] > 0)
    gg_x = s["frequency"].where(fits, 0)
    gg_m = s["monetary"].where(fits, 1.0)
    spend = ggf.conditional_expected_average_profit(gg_x, gg_m)
    # lifetimes' own discounted-CLV loop (30 days a month for freq='D'), fed the spend above.
    clv = _customer_lifetime_value(
        bgf, s["frequency"], s["recency"], s["T"], spend.values,
        time=args.horizon_months, discount_rate=args.discount_rate, freq="D",
    )
    clv = pd.Series(clv.to_numpy().reshape(-1), index=s.index)
    purchases = bgf.predict(args.t_days, s["frequency"], s["recency"], s["T"])
    alive = bgf.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
    out = {
        "bgnbd": {k: float(v) for k, v in bgf.params_.items()},
        "gammaGamma": {k: float(v) for k, v in ggf.params_.items()},
        "tDays": args.t_days,
        "customers": {
            cid: {
                "expectedPurchases": float(purchases[i]),
                "probabilityAlive": float(alive[i]),
                "expectedSpend": float(spend.iloc[i]),
                "clv": float(clv.iloc[i]),
            }
            for i, cid in enumerate(s.index)
        },
    }
    if args.transactions:
        tx = pd.read_csv(args.transactions, dtype={"customer_id": str}, parse_dates=["date"])
        ref = summary_data_from_transaction_data(
            tx, "customer_id", "date", monetary_value_col="amount",
            observation_period_end=args.as_of, freq="D",
        )
        out["summary"] = {
            cid: [float(r["frequency"]), float(r["recency"]), float(r["T"]), float(r["monetary_value"])]
            for cid, r in ref.iterrows()
        }
    with open(args.out, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
