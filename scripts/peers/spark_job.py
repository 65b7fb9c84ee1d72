"""The peers benchmark's Apache Spark job: shopstream's job in Spark Structured Streaming, local
mode. A file source (trigger availableNow) over the NDJSON file; parse (VARIANT), validate the
contract's rules (contract_rules.py), dedupe valid events by event_id with
dropDuplicatesWithinWatermark, write Silver to Parquet partitioned by event date/hour and
quarantine to Parquet, and sum the 1-minute KPI counters per micro-batch (like shopstream's Gold
deltas).

    python spark_job.py --input-dir DIR --out DIR [--cores 2] [--watermark-ms 3600000]

Writes OUT/silver/, OUT/quarantine/ and OUT/result.json (counts, reasons, KPIs, start-up and job
time). Late events: Spark drops (never quarantines) rows older than its watermark, which is global
and moves only between micro-batches; shopstream quarantines them per partition, record by record.
"""

import argparse
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract_rules import MAX_RECORD_BYTES, Rules, kpis_from_counters  # noqa: E402

BOM = "\ufeff"
FIELDS = (
    "event_id", "event_version", "event_type", "event_time", "ingest_time", "user_id", "session_id",
    "product_id", "quantity", "price", "currency", "order_id", "source", "category", "channel",
    "store_id", "page_url", "referrer", "user_agent", "ip_address", "country", "device", "stock_level",
)  # fmt: skip


class SparkFields:
    """Field access on `v` (the line as VARIANT) and `ty_<field>` (schema_of_variant of the field)."""

    def is_null(self, f):
        return f"(ty_{f} IS NULL OR ty_{f} = 'VOID')"

    def is_str(self, f):
        return f"coalesce(ty_{f} = 'STRING', false)"

    def is_num(self, f):
        return (
            f"coalesce(ty_{f} IN ('BIGINT', 'INT', 'SMALLINT', 'TINYINT', 'DOUBLE', 'FLOAT') "
            f"OR ty_{f} LIKE 'DECIMAL%', false)"
        )

    def num(self, f):
        return f"try_variant_get(v, '$.{f}', 'double')"

    def text(self, f):
        return f"try_variant_get(v, '$.{f}', 'string')"

    def epoch_ms(self, t):
        return f"unix_millis(try_cast({t} AS TIMESTAMP))"

    def strlen(self, expr):
        return f"char_length({expr})"

    def regexp(self, expr, pattern):
        return f"({expr} RLIKE '{pattern}')"


def checked_stream(spark, input_dir):
    rules = Rules(SparkFields())
    e = SparkFields()
    raw = spark.readStream.format("text").load(input_dir)
    parsed = raw.selectExpr(
        "value",
        f"CASE WHEN octet_length(value) > {MAX_RECORD_BYTES} THEN 'record_too_large' END AS too_large",
        # a leading byte-order mark is ignored (as shopstream's parser does); `value` keeps it
        f"try_parse_json(CASE WHEN startswith(value, '{BOM}') THEN substr(value, 2) ELSE value END) AS v",
    )
    typed = parsed.selectExpr(
        "value",
        "v",
        "coalesce(too_large, CASE WHEN v IS NULL THEN 'not_json' "
        "WHEN NOT coalesce(schema_of_variant(v) LIKE 'OBJECT%', false) THEN 'not_an_object' END) AS whole_reason",
        *[f"schema_of_variant(variant_get(v, '$.{f}')) AS ty_{f}" for f in FIELDS],
    )
    timed = typed.selectExpr(
        "*",
        f"{rules.event_type()} AS t",
        f"{rules.time_ms('event_time')} AS event_ms",
        f"{rules.time_ms('ingest_time')} AS ingest_ms",
    )
    return timed.selectExpr(
        "value",
        "t AS event_type",
        "event_ms",
        "ingest_ms",
        f"coalesce(whole_reason, {rules.reasons_sql('t', 'event_ms', 'ingest_ms')}) AS reasons",
        f"{e.text('event_id')} AS event_id",
        f"{e.text('user_id')} AS user_id",
        f"{e.text('session_id')} AS session_id",
        f"{e.text('product_id')} AS product_id",
        "try_variant_get(v, '$.quantity', 'int') AS quantity",
        f"{e.num('price')} AS price",
        *[f"{e.text(f)} AS {f}" for f in ("currency", "order_id", "source", "category", "channel", "store_id")],
    )


SILVER_COLUMNS = (
    "event_id", "event_type", "timestamp_millis(event_ms) AS event_time",
    "timestamp_millis(ingest_ms) AS ingest_time", "user_id", "session_id", "product_id", "quantity",
    "price", "currency", "order_id", "source", "category", "channel", "store_id",
    "date_format(timestamp_millis(event_ms), 'yyyy-MM-dd') AS event_date",
    "hour(timestamp_millis(event_ms)) AS event_hour",
)  # fmt: skip

COUNTERS = """
  (floor(event_ms / 60000) * 60000) AS window_start_ms,
  count(*) AS events_total,
  count_if(event_type = 'click') AS events_click,
  count_if(event_type = 'add_to_cart') AS events_add_to_cart,
  count_if(event_type = 'checkout') AS events_checkout,
  count_if(event_type = 'purchase') AS events_purchase,
  coalesce(sum(CASE WHEN event_type = 'purchase' THEN price * quantity END), 0) AS revenue
"""


class Totals:
    """Counters summed over the micro-batches (driver side)."""

    def __init__(self):
        self.windows = {}
        self.reasons = {}
        self.silver = 0
        self.quarantine = 0
        self.batches = 0

    def add_batch(self, batch, silver_dir, quarantine_dir):
        batch.persist()
        valid = batch.filter("reasons = ''")
        valid.selectExpr(*SILVER_COLUMNS).write.mode("append").partitionBy("event_date", "event_hour").parquet(
            silver_dir
        )
        invalid = batch.filter("reasons <> ''")
        invalid.selectExpr("value AS raw", "reasons").write.mode("append").parquet(quarantine_dir)
        for row in valid.groupBy().agg({"*": "count"}).collect():
            self.silver += row[0]
        for row in invalid.groupBy("reasons").count().collect():
            self.reasons[row["reasons"]] = self.reasons.get(row["reasons"], 0) + row["count"]
            self.quarantine += row["count"]
        valid.createOrReplaceTempView("batch_valid")
        for row in batch.sparkSession.sql(f"SELECT {COUNTERS} FROM batch_valid GROUP BY 1").collect():
            w = self.windows.setdefault(int(row["window_start_ms"]), {"window_start_ms": int(row["window_start_ms"])})
            for name, value in row.asDict().items():
                if name != "window_start_ms":
                    w[name] = w.get(name, 0) + value
        batch.unpersist()
        self.batches += 1


def run(a):
    t0 = time.time()
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(f"local[{a.cores}]")
        .appName("shopstream-peer")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(a.cores * 2))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parser.escapedStringLiterals", "true")
        .config("spark.driver.memory", a.driver_memory)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    started_s = time.time() - t0
    silver_dir = os.path.join(a.out, "silver")
    quarantine_dir = os.path.join(a.out, "quarantine")
    checkpoint = os.path.join(a.out, "checkpoint")
    shutil.rmtree(checkpoint, ignore_errors=True)
    checked = checked_stream(spark, a.input_dir)
    # Quarantined rows go through the same stateful operator with a key of their own and no event
    # time (a NULL event time is never late and never moves the watermark): one read of the file.
    keyed = checked.selectExpr(
        "*",
        "CASE WHEN reasons = '' THEN timestamp_millis(event_ms) END AS wm_time",
        "CASE WHEN reasons = '' THEN event_id ELSE concat('quarantine:', uuid()) END AS dedupe_key",
    )
    deduped = keyed.withWatermark("wm_time", f"{a.watermark_ms} milliseconds").dropDuplicatesWithinWatermark(
        ["dedupe_key"]
    )
    totals = Totals()
    job0 = time.time()
    query = (
        deduped.writeStream.foreachBatch(lambda batch, _id: totals.add_batch(batch, silver_dir, quarantine_dir))
        .option("checkpointLocation", checkpoint)
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination()
    records = sum(p["numInputRows"] for p in query.recentProgress)
    job_s = time.time() - job0
    spark.stop()
    version = spark.version
    valid = records - totals.quarantine
    return {
        "engine": f"spark {version}",
        "records": records,
        "silver": totals.silver,
        "quarantine": totals.quarantine,
        "duplicates": valid - totals.silver,
        "late": 0,
        "reasons": totals.reasons,
        "kpis": kpis_from_counters(list(totals.windows.values())),
        "batches": totals.batches,
        "startup_s": started_s,
        "job_s": job_s,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--input-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--cores", type=int, default=2)
    p.add_argument("--watermark-ms", type=int, default=3_600_000)
    p.add_argument("--driver-memory", default="2g")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    result = run(a)
    with open(os.path.join(a.out, "result.json"), "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
