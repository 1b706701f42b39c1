"""The engines that run the detection queries: DuckDB (default) and Apache Spark.

Each engine module holds its `DIALECT` (the few SQL spellings that differ) and a `run` function taking
the prepared event table, the blacklist table and the detections; both return the same rows.
"""

from __future__ import annotations

from typing import Any

ENGINES = ("duckdb", "spark")


def normalise_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Same shape whatever the engine: lists never None, numbers as int, rows in a stable order."""
    clean = []
    for row in rows:
        item = dict(row)
        for name in ("user_names", "customer_names", "source_ips", "event_ids", "detail"):
            item[name] = sorted(str(v) for v in (item.get(name) or []) if v is not None)
        for name in ("first_epoch", "last_epoch", "event_count", "observed"):
            item[name] = int(item[name]) if item.get(name) is not None else 0
        item["notable"] = bool(item.get("notable"))
        item["subject"] = str(item["subject"])
        clean.append(item)
    clean.sort(key=lambda r: (r["subject"], r["first_epoch"]))
    return clean
