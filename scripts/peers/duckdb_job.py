"""The peers benchmark's "just a fast engine" bound: shopstream's job as one DuckDB SQL script
over the NDJSON file. Parse, validate the contract's rules (contract_rules.py), dedupe valid events
by event_id, write Silver to Parquet partitioned by event date/hour and quarantine to Parquet, and
compute the 1-minute KPIs.

    python duckdb_job.py --input events.ndjson --out DIR [--threads 2]

Writes DIR/silver/, DIR/quarantine.parquet and DIR/result.json (counts, reasons, KPIs, job time).
Batch semantics: the whole file is one batch, so no event is late (shopstream quarantines events
older than its stream time minus the watermark; the benchmark's traffic has none) and dedupe is
global (shopstream's horizon is the watermark).
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import duckdb  # noqa: E402

from contract_rules import MAX_RECORD_BYTES, Rules, kpis_from_counters  # noqa: E402

FIELDS = (
    "event_id", "event_version", "event_type", "event_time", "ingest_time", "user_id", "session_id",
    "product_id", "quantity", "price", "currency", "order_id", "source", "category", "channel",
    "store_id", "page_url", "referrer", "user_agent", "ip_address", "country", "device", "stock_level",
)  # fmt: skip
INDEX = {f: i + 1 for i, f in enumerate(FIELDS)}  # DuckDB lists are 1-based


class DuckDbFields:
    """Field access on `x`, the list of every field's JSON value extracted in one parse."""

    def _v(self, f):
        return f"x[{INDEX[f]}]"

    def is_null(self, f):
        return f"({self._v(f)} IS NULL OR json_type({self._v(f)}) = 'NULL')"

    def is_str(self, f):
        return f"coalesce(json_type({self._v(f)}) = 'VARCHAR', false)"

    def is_num(self, f):
        return f"coalesce(json_type({self._v(f)}) IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT'), false)"

    def num(self, f):
        return f"TRY_CAST({self._v(f)} AS DOUBLE)"

    def text(self, f):
        return f"json_extract_string({self._v(f)}, '$')"

    def epoch_ms(self, t):
        return f"epoch_ms(TRY_CAST({t} AS TIMESTAMPTZ))"

    def strlen(self, expr):
        return f"length({expr})"

    def regexp(self, expr, pattern):
        return f"regexp_full_match({expr}, '{pattern}')"


def checked_sql(path):
    rules = Rules(DuckDbFields())
    e = DuckDbFields()
    t = rules.event_type()
    paths = ", ".join(f"'$.{f}'" for f in FIELDS)
    reasons = rules.reasons_sql("t", "event_ms", "ingest_ms")
    return f"""
    CREATE TEMP TABLE checked AS
    WITH lines AS (
      SELECT coalesce(line, '') AS line FROM read_csv('{path}', columns = {{'line': 'VARCHAR'}}, header = false,
        delim = '\\x1f', quote = '', escape = '', auto_detect = false, strict_mode = false,
        max_line_size = {MAX_RECORD_BYTES * 4 + 16}, new_line = '\\n')
    ), unmarked AS (
      -- a leading byte-order mark is ignored (as shopstream's parser does); `raw` keeps it
      SELECT line, CASE WHEN starts_with(line, chr(65279)) THEN substr(line, 2) ELSE line END AS text
      FROM lines
    ), parsed AS (
      SELECT line,
        CASE WHEN strlen(line) > {MAX_RECORD_BYTES} THEN 'record_too_large'
             WHEN NOT coalesce(json_valid(text), false) THEN 'not_json'
             WHEN json_type(text) <> 'OBJECT' THEN 'not_an_object' END AS whole_reason,
        CASE WHEN whole_reason IS NULL THEN json_extract(text, [{paths}]) END AS x
      FROM unmarked
    ), typed AS (
      SELECT *, {t} AS t, {rules.time_ms('event_time')} AS event_ms, {rules.time_ms('ingest_time')} AS ingest_ms
      FROM parsed
    )
    SELECT line, x, t, event_ms, ingest_ms,
      coalesce(whole_reason, {reasons}) AS reasons,
      {e.text('event_id')} AS event_id
    FROM typed
    """


SILVER_SELECT = """
  SELECT event_id, t AS event_type, make_timestamp(event_ms * 1000) AS event_time,
    make_timestamp(ingest_ms * 1000) AS ingest_time,
    json_extract_string(x[6], '$') AS user_id, json_extract_string(x[7], '$') AS session_id,
    json_extract_string(x[8], '$') AS product_id, TRY_CAST(x[9] AS INTEGER) AS quantity,
    TRY_CAST(x[10] AS DOUBLE) AS price, json_extract_string(x[11], '$') AS currency,
    json_extract_string(x[12], '$') AS order_id, json_extract_string(x[13], '$') AS source,
    json_extract_string(x[14], '$') AS category, json_extract_string(x[15], '$') AS channel,
    json_extract_string(x[16], '$') AS store_id,
    strftime(make_timestamp(event_ms * 1000), '%Y-%m-%d') AS event_date,
    hour(make_timestamp(event_ms * 1000)) AS event_hour
  FROM checked WHERE reasons = ''
"""

KPI_SQL = """
  SELECT (event_time_ms // 60000) * 60000 AS window_start_ms,
    count(*) AS events_total,
    count(*) FILTER (event_type = 'click') AS events_click,
    count(*) FILTER (event_type = 'add_to_cart') AS events_add_to_cart,
    count(*) FILTER (event_type = 'checkout') AS events_checkout,
    count(*) FILTER (event_type = 'purchase') AS events_purchase,
    coalesce(sum(price * quantity) FILTER (event_type = 'purchase'), 0) AS revenue
  FROM (SELECT epoch_ms(event_time) AS event_time_ms, event_type, price, quantity FROM silver)
  GROUP BY ALL ORDER BY 1
"""


def run(path, out, threads):
    t0 = time.time()
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}; SET TimeZone = 'UTC'; SET preserve_insertion_order = false")
    con.execute(checked_sql(path.replace("'", "''")))
    # Dedupe: one row per event_id among valid events (duplicates are verbatim re-sends).
    con.execute(f"CREATE TEMP TABLE silver AS SELECT DISTINCT ON (event_id) * FROM ({SILVER_SELECT})")
    silver_dir = os.path.join(out, "silver").replace("'", "''")
    con.execute(
        f"COPY silver TO '{silver_dir}' (FORMAT parquet, PARTITION_BY (event_date, event_hour), OVERWRITE_OR_IGNORE)"
    )
    quarantine = os.path.join(out, "quarantine.parquet").replace("'", "''")
    con.execute(f"COPY (SELECT line AS raw, reasons FROM checked WHERE reasons <> '') TO '{quarantine}' (FORMAT parquet)")
    read = con.execute("SELECT count(*) FROM checked").fetchone()[0]
    valid = con.execute("SELECT count(*) FROM checked WHERE reasons = ''").fetchone()[0]
    silver = con.execute("SELECT count(*) FROM silver").fetchone()[0]
    reasons = dict(con.execute("SELECT reasons, count(*) FROM checked WHERE reasons <> '' GROUP BY 1").fetchall())
    cols = [d[0] for d in con.execute(KPI_SQL).description]
    counters = [dict(zip(cols, row)) for row in con.execute(KPI_SQL).fetchall()]
    con.close()
    return {
        "engine": f"duckdb {duckdb.__version__}",
        "records": read,
        "silver": silver,
        "quarantine": read - valid,
        "duplicates": valid - silver,
        "late": 0,
        "reasons": reasons,
        "kpis": kpis_from_counters(counters),
        "job_s": time.time() - t0,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    result = run(a.input, a.out, a.threads)
    with open(os.path.join(a.out, "result.json"), "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
