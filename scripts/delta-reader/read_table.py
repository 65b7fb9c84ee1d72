"""Reads a Delta table with delta-rs (PyPI `deltalake`) and prints ONE JSON line describing it.

The independent reader of shopstream's lake tests: the table is opened and every row is scanned
by delta-rs' own engine (`DeltaTable.scan`, DataFusion), so all columns are decoded and cast to
the table schema exactly as delta-rs does it.

    read_table.py <table-uri> [--version N] [--sum COL ...] [--count-distinct COL ...]
                  [--min COL ...] [--max COL ...] [--txn APP_ID ...] [--storage-option KEY=VALUE ...]
                  [--each-version]

Output: {"version", "rows", "files", "stats_rows", "partition_columns", "schema" {field: type},
         "sums" {col: number}, "distinct" {col: n}, "mins" {col: value}, "maxes" {col: value},
         "txns" {appId: version | null}}
"rows" are counted by scanning; "stats_rows" is the sum of the files' `numRecords` stats as
delta-rs parsed them (null when a file has none). Timestamps and dates are ISO-8601 strings.
"txns" is present when --txn was given (delta-rs looks application transactions up by appId).
"version_rows" {version: rows} is present with --each-version: every version from 0 to the one
read is opened and scanned in full (each one's files must exist and decode).
Storage options are delta-rs' (object_store) keys, e.g. for S3: AWS_ENDPOINT_URL, AWS_REGION,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ALLOW_HTTP=true, AWS_VIRTUAL_HOSTED_STYLE_REQUEST=false.
Errors: exit 1 with the message on stderr.
"""

import argparse
import json
import sys


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="read_table.py", description=__doc__.splitlines()[0])
    parser.add_argument("table_uri")
    parser.add_argument("--version", type=int, default=None)
    parser.add_argument("--sum", nargs="+", action="extend", default=[], metavar="COL")
    parser.add_argument("--count-distinct", nargs="+", action="extend", default=[], metavar="COL")
    parser.add_argument("--min", nargs="+", action="extend", default=[], metavar="COL")
    parser.add_argument("--max", nargs="+", action="extend", default=[], metavar="COL")
    parser.add_argument("--txn", nargs="+", action="extend", default=[], metavar="APP_ID")
    parser.add_argument("--storage-option", nargs="+", action="extend", default=[], metavar="KEY=VALUE")
    parser.add_argument("--each-version", action="store_true")
    return parser.parse_args(argv)


def storage_options(pairs):
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if sep == "" or key == "":
            raise ValueError(f"--storage-option wants KEY=VALUE, got {pair!r}")
        options[key] = value
    return options


def type_name(field):
    """A primitive type's name ("long", "timestamp"), else the type's Delta JSON text."""
    data_type = json.loads(field.to_json())["type"]
    return data_type if isinstance(data_type, str) else json.dumps(data_type, separators=(",", ":"))


def hashable(value):
    return json.dumps(value, sort_keys=True, default=str) if isinstance(value, (list, dict)) else value


def json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def extreme(current, candidate, pick):
    if candidate is None:
        return current
    return candidate if current is None else pick(current, candidate)


def comparable(values):
    """delta-rs scans strings as Arrow views, which pyarrow's min/max kernels do not take."""
    import pyarrow as pa

    if pa.types.is_string_view(values.type):
        return values.cast(pa.string())
    if pa.types.is_binary_view(values.type):
        return values.cast(pa.binary())
    return values


def scan_aggregates(table, args):
    """Scans every row with delta-rs' engine: row count, sums, distinct counts, min and max."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = {"rows": 0, "sums": {c: 0 for c in args.sum}, "mins": {c: None for c in args.min}}
    out["maxes"] = {c: None for c in args.max}
    seen = {col: set() for col in args.count_distinct}
    for batch in pa.RecordBatchReader.from_stream(table.scan()):
        out["rows"] += batch.num_rows
        for col in args.sum:
            out["sums"][col] += pc.sum(batch.column(col)).as_py() or 0
        for col in args.count_distinct:
            values = batch.column(col)
            values = values if pa.types.is_nested(values.type) else pc.unique(values)
            seen[col].update(hashable(v) for v in values.to_pylist() if v is not None)
        for col in args.min:
            out["mins"][col] = extreme(out["mins"][col], pc.min(comparable(batch.column(col))).as_py(), min)
        for col in args.max:
            out["maxes"][col] = extreme(out["maxes"][col], pc.max(comparable(batch.column(col))).as_py(), max)
    out["distinct"] = {col: len(values) for col, values in seen.items()}
    for key in ("mins", "maxes"):
        out[key] = {col: json_value(v) for col, v in out[key].items()}
    return out


def scanned_rows(table):
    import pyarrow as pa

    return sum(batch.num_rows for batch in pa.RecordBatchReader.from_stream(table.scan()))


def stats_rows(table):
    counts = table.get_add_actions().column("num_records").to_pylist()
    return None if any(n is None for n in counts) else sum(counts)


def read(args):
    from deltalake import DeltaTable

    options = storage_options(args.storage_option)
    table = DeltaTable(args.table_uri, version=args.version, storage_options=options or None)
    scanned = scan_aggregates(table, args)
    out = {
        "version": table.version(),
        "rows": scanned["rows"],
        "files": len(table.file_uris()),
        "stats_rows": stats_rows(table),
        "partition_columns": list(table.metadata().partition_columns),
        "schema": {field.name: type_name(field) for field in table.schema().fields},
        "sums": scanned["sums"],
        "distinct": scanned["distinct"],
        "mins": scanned["mins"],
        "maxes": scanned["maxes"],
    }
    if args.each_version:
        out["version_rows"] = {
            str(v): scanned_rows(DeltaTable(args.table_uri, version=v, storage_options=options or None))
            for v in range(table.version() + 1)
        }
    if args.txn and hasattr(table, "transaction_version"):
        out["txns"] = {app: table.transaction_version(app) for app in args.txn}
    return out


def main(argv):
    args = parse_args(argv)
    try:
        print(json.dumps(read(args)))
    except Exception as err:  # noqa: BLE001 - every failure is reported the same way
        print(f"read_table.py: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
