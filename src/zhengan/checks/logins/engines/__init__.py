"""The engines that run the detection queries: DuckDB (default) and Apache Spark.

Each engine module holds its `DIALECT` (the few SQL spellings that differ) and a `run` function taking
the prepared events (`enrich.PreparedEvents`), the blacklist table and the detections; both return the
same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

ENGINES = ("duckdb", "spark")
# Shared by both engines' dialects: what every result row says about the events behind it.
EVENT_AGGREGATES = """
    array_agg(DISTINCT e.user_name) FILTER (WHERE e.user_name IS NOT NULL) AS user_names,
    array_agg(DISTINCT e.user_name) FILTER (WHERE e.user_type = 'customer') AS customer_names,
    array_agg(DISTINCT e.source_ip) FILTER (WHERE e.source_ip IS NOT NULL) AS source_ips,
    min(e.epoch) AS first_epoch, max(e.epoch) AS last_epoch, count(DISTINCT e.rid) AS event_count,
    array_agg(DISTINCT e.rid) AS event_rids"""


# The daily report's top lists (failures per source address and per account), the same SQL on every engine.
TOP_LISTS = (("source_ip", "user_name"), ("user_name", "source_ip"))


def top_failures_sql(table: str, key: str, other: str, limit: int = 10) -> str:
    """The `key` values with the most failures in `table` (ties by name), with how many distinct `other`."""
    return f"""SELECT {key}, count(*) AS n, count(DISTINCT {other}) AS m FROM {table}
               WHERE event_outcome = 'failure' AND {key} IS NOT NULL
               GROUP BY {key} ORDER BY n DESC, {key} LIMIT {int(limit)}"""


LISTS = ("user_names", "customer_names", "source_ips", "detail")
NUMBERS = ("first_epoch", "last_epoch", "event_count", "observed")


def normalise_rows(
    rows: list[dict[str, Any]], event_ids: Callable[[Iterable[int]], dict[int, str]]
) -> list[dict[str, Any]]:
    """Same shape whatever the engine: lists sorted and never None, numbers as int, the events behind each
    row named by their `file:line` ids (built here, for these events only), rows in a stable order."""
    names = event_ids(rid for row in rows for rid in (row.get("event_rids") or ()))
    clean = []
    for row in rows:
        item = dict(row)
        item["event_ids"] = sorted([names[int(rid)] for rid in item.pop("event_rids", None) or ()])
        for name in LISTS:
            values = item.get(name)
            item[name] = _sorted_text(values) if values else []
        for name in NUMBERS:
            value = item.get(name)
            item[name] = int(value) if value is not None else 0
        item["notable"] = bool(item.get("notable"))
        item["subject"] = str(item["subject"])
        clean.append(item)
    clean.sort(key=lambda r: (r["subject"], r["first_epoch"]))
    return clean


def _sorted_text(values: list[Any]) -> list[str]:
    if len(values) == 1:
        return [] if values[0] is None else [str(values[0])]
    return sorted([v if isinstance(v, str) else str(v) for v in values if v is not None])
