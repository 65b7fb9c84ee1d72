"""The contract rules of shopstream's validator (src/contract/validate-event.ts, field-scan.ts,
event-type-rules.ts) as SQL expressions, written once for both peers. An engine adapter says how to
read one JSON field's type and value; everything else (the facts, the rules, the fixed reason
order) is shared, so Spark and DuckDB check exactly the same rules.

Differences from shopstream, by design or because SQL cannot express them (docs/benchmarks.md):
- value_too_long counts characters (code points); shopstream counts UTF-16 code units, so a string
  of astral characters (emoji) between 513 and 1024 characters differs.
- A JSON object with a repeated key: shopstream keeps the last value (JSON.parse); the engines'
  parsers may reject the line (not_json) or keep another value.
- A leading byte-order mark: shopstream ignores it, the engines see a non-JSON line.
- late_beyond_watermark is not a row rule: see each job.
"""

REFERENCE_EVENT_TYPES = ("click", "add_to_cart", "checkout", "purchase")
EVENT_TYPES = REFERENCE_EVENT_TYPES + (
    "page_view",
    "remove_from_cart",
    "wishlist_add",
    "refund",
    "inventory_update",
)
CHANNELS = ("web", "app", "store")
MAX_ID_CHARS = 1024
MAX_TEXT_CHARS = 4096
MAX_RECORD_BYTES = 1024 * 1024
MAX_FUTURE_MS = 24 * 3600 * 1000
MAX_INT32 = 2_147_483_647
MAX_DOUBLE = "1.7976931348623157e308"
# Fields of the generic rule "a non-null value must be a string" (field-scan.ts `default` case).
ID_LIKE_FIELDS = ("source", "category", "store_id", "ip_address", "country", "device")
TEXT_FIELDS = ("page_url", "referrer", "user_agent")

# Reason codes in the fixed order of src/contract/reason-codes.ts (late_beyond_watermark aside).
REASON_ORDER = (
    "missing_event_id",
    "invalid_event_type",
    "missing_user_id",
    "missing_session_id",
    "bad_ingest_time",
    "bad_event_time",
    "product_id_required_for_click_or_cart",
    "add_to_cart_requires_qty_price_currency",
    "purchase_requires_order_qty_price_currency",
    "not_json",
    "not_an_object",
    "record_too_large",
    "bad_event_version",
    "bad_field_type",
    "value_too_long",
    "event_time_in_future",
    "bad_channel",
    "bad_currency",
    "product_id_required_for_product_event",
    "refund_requires_order_id",
    "inventory_update_requires_stock_level",
)

# ISO-8601 with a zone, as src/contract/iso-timestamp.ts accepts it (the engine's cast then rejects
# impossible dates such as month 13 or Feb 30).
ISO_TIMESTAMP_RE = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?"
    r"(Z|[+-](0[0-9]|1[0-7]):[0-5][0-9]|[+-]18:00)$"
)


def _in(expr, values):
    return f"({expr} IN ({', '.join(repr(v) for v in values)}))"


class Rules:
    """SQL expressions over one parsed row. `engine` provides:
    is_str(f), is_null(f) (absent or JSON null), is_num(f), num(f) (DOUBLE), text(f) (VARCHAR),
    epoch_ms(text_expr) (a strict ISO timestamp string -> epoch ms, NULL when impossible),
    strlen(expr), regexp(expr, pattern)."""

    def __init__(self, engine):
        self.e = engine

    # facts (field-facts.ts)
    def string_(self, f):
        return self.e.is_str(f)

    def bad_(self, f):
        """present, non-null and not a string"""
        return f"(NOT {self.e.is_null(f)} AND NOT {self.e.is_str(f)})"

    def int32_(self, f):
        n = self.e.num(f)
        return f"({self.e.is_num(f)} AND {n} = floor({n}) AND abs({n}) <= {MAX_INT32})"

    def quantity_ok(self):
        return f"({self.int32_('quantity')} AND {self.e.num('quantity')} >= 1)"

    def quantity_bad(self):
        return f"(NOT {self.e.is_null('quantity')} AND NOT {self.int32_('quantity')})"

    def price_ok(self):
        # finite: a literal beyond the double range (1e999) parses to Infinity in JSON.parse
        n = self.e.num("price")
        return f"({self.e.is_num('price')} AND {n} >= 0 AND {n} <= {MAX_DOUBLE})"

    def price_bad(self):
        n = self.e.num("price")
        return f"(NOT {self.e.is_null('price')} AND NOT ({self.e.is_num('price')} AND abs({n}) <= {MAX_DOUBLE}))"

    def stock_ok(self):
        return f"({self.int32_('stock_level')} AND {self.e.num('stock_level')} >= 0)"

    def stock_bad(self):
        return f"(NOT {self.e.is_null('stock_level')} AND NOT {self.stock_ok()})"

    def channel_unknown(self):
        return f"({self.e.is_str('channel')} AND NOT {_in(self.e.text('channel'), CHANNELS)})"

    def currency_not_iso(self):
        return f"({self.e.is_str('currency')} AND NOT {self.e.regexp(self.e.text('currency'), '^[A-Z]{3}$')})"

    def other_bad(self):
        parts = [self.bad_(f) for f in ID_LIKE_FIELDS + TEXT_FIELDS]
        parts.append(f"(NOT {self.e.is_null('channel')} AND NOT {self.e.is_str('channel')})")
        return "(" + " OR ".join(parts) + ")"

    def too_long(self):
        ids = ("event_id", "user_id", "session_id", "product_id", "order_id") + ID_LIKE_FIELDS
        parts = [f"({self.e.is_str(f)} AND {self.e.strlen(self.e.text(f))} > {MAX_ID_CHARS})" for f in ids]
        parts += [f"({self.e.is_str(f)} AND {self.e.strlen(self.e.text(f))} > {MAX_TEXT_CHARS})" for f in TEXT_FIELDS]
        return "(" + " OR ".join(parts) + ")"

    def time_ms(self, f):
        t = self.e.text(f)
        return f"(CASE WHEN {self.e.is_str(f)} AND {self.e.regexp(t, ISO_TIMESTAMP_RE)} THEN {self.e.epoch_ms(t)} END)"

    def event_type(self):
        return f"(CASE WHEN {self.e.is_str('event_type')} THEN {self.e.text('event_type')} END)"

    def version_ok(self):
        return f"({self.e.is_num('event_version')} AND {self.e.num('event_version')} = 1)"

    def reason_conditions(self, t, event_ms, ingest_ms):
        """(code, SQL condition) for every row rule, in the fixed order; `t` is the event type
        expression (NULL when not a string), event_ms / ingest_ms the parsed times (NULL when bad)."""
        s = self.string_
        line = f"({self.quantity_ok()} AND {self.price_ok()} AND {s('currency')})"
        product_bad = self.bad_("product_id")
        order_bad = self.bad_("order_id")
        line_bad = f"({self.quantity_bad()} OR {self.price_bad()} OR {self.bad_('currency')})"
        # bad_field_type: a wrongly typed field that no rule of this event type already reports
        # (event-type-rules.ts checkedBadFacts).
        def unchecked(fact, types):
            # `fact` counts unless the row's type is one of `types` (whose rules report it)
            return f"({fact} AND NOT coalesce({_in(t, types)}, false))"

        bad_field_type = " OR ".join(
            [
                unchecked(product_bad, ("click", "add_to_cart", "remove_from_cart", "wishlist_add", "inventory_update")),
                unchecked(order_bad, ("purchase", "refund")),
                unchecked(self.quantity_bad(), ("add_to_cart", "purchase")),
                unchecked(self.price_bad(), ("add_to_cart", "purchase")),
                unchecked(self.bad_("currency"), ("add_to_cart", "purchase")),
                unchecked(self.stock_bad(), ("inventory_update",)),
                self.other_bad(),
            ]
        )
        is_t = lambda *types: f"coalesce({_in(t, types)}, false)"  # noqa: E731
        return [
            ("missing_event_id", f"NOT {s('event_id')}"),
            ("invalid_event_type", f"NOT coalesce({_in(t, EVENT_TYPES)}, false)"),
            ("missing_user_id", f"NOT {s('user_id')}"),
            ("missing_session_id", f"NOT {s('session_id')}"),
            ("bad_ingest_time", f"({ingest_ms} IS NULL)"),
            ("bad_event_time", f"({event_ms} IS NULL)"),
            ("product_id_required_for_click_or_cart", f"({is_t('click', 'add_to_cart')} AND NOT {s('product_id')})"),
            ("add_to_cart_requires_qty_price_currency", f"({is_t('add_to_cart')} AND NOT {line})"),
            ("purchase_requires_order_qty_price_currency", f"({is_t('purchase')} AND NOT ({line} AND {s('order_id')}))"),
            ("bad_event_version", f"NOT {self.version_ok()}"),
            ("bad_field_type", f"({bad_field_type})"),
            ("value_too_long", self.too_long()),
            ("event_time_in_future", f"coalesce({event_ms} - {ingest_ms} > {MAX_FUTURE_MS}, false)"),
            ("bad_channel", self.channel_unknown()),
            ("bad_currency", self.currency_not_iso()),
            (
                "product_id_required_for_product_event",
                f"({is_t('remove_from_cart', 'wishlist_add', 'inventory_update')} AND NOT {s('product_id')})",
            ),
            ("refund_requires_order_id", f"({is_t('refund')} AND NOT {s('order_id')})"),
            ("inventory_update_requires_stock_level", f"({is_t('inventory_update')} AND NOT {self.stock_ok()})"),
        ]

    def reasons_sql(self, t, event_ms, ingest_ms):
        """The comma-joined reason codes of a parsed JSON object ('' when valid)."""
        parts = [f"CASE WHEN {cond} THEN '{code}' END" for code, cond in self.reason_conditions(t, event_ms, ingest_ms)]
        return "concat_ws(',', " + ", ".join(parts) + ")"


KPI_COUNTERS = ("events_total", "events_click", "events_add_to_cart", "events_checkout", "events_purchase", "revenue")


def kpis_from_counters(rows):
    """[{window_start_ms, events_total, ..., revenue}] -> the ten KPIs of the product brief per
    window (src/contract/kpi-metrics.ts): rates from the summed counts, 0 when the denominator is 0."""
    out = []
    for r in sorted(rows, key=lambda x: x["window_start_ms"]):
        k = {name: r[name] for name in KPI_COUNTERS}
        k["window_start_ms"] = r["window_start_ms"]
        k["aov"] = k["revenue"] / k["events_purchase"] if k["events_purchase"] else 0
        k["add_to_cart_rate"] = k["events_add_to_cart"] / k["events_click"] if k["events_click"] else 0
        k["checkout_rate"] = k["events_checkout"] / k["events_add_to_cart"] if k["events_add_to_cart"] else 0
        k["purchase_conversion"] = k["events_purchase"] / k["events_click"] if k["events_click"] else 0
        out.append(k)
    return out
