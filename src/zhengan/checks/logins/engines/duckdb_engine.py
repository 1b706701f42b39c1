"""DuckDB: the default engine, in-process, all cores of one machine."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from zhengan.checks.logins.engines import normalise_rows
from zhengan.checks.logins.rules import QUERY_COLUMNS, Detection

NAME = "duckdb"
DIALECT = {
    "array": "list_value",
    "event_aggregates": """
    array_sort(array_agg(DISTINCT e.user_name) FILTER (WHERE e.user_name IS NOT NULL)) AS user_names,
    array_sort(array_agg(DISTINCT e.user_name) FILTER (WHERE e.user_type = 'customer')) AS customer_names,
    array_sort(array_agg(DISTINCT e.source_ip) FILTER (WHERE e.source_ip IS NOT NULL)) AS source_ips,
    min(e.epoch) AS first_epoch, max(e.epoch) AS last_epoch, count(DISTINCT e.event_id) AS event_count,
    array_sort(array_agg(DISTINCT e.event_id)) AS event_ids""",
}


def run(
    events: pa.Table,
    blacklist: pa.Table,
    detections: list[tuple[Detection, dict[str, Any]]],
    threads: int | None = None,
) -> dict[str, list[dict[str, Any]]]:
    connection = duckdb.connect()
    try:
        if threads:
            connection.execute(f"SET threads = {int(threads)}")
        connection.register("events_arrow", events)
        # Materialise once: every detection scans it.
        columns = ", ".join(QUERY_COLUMNS)
        connection.execute(f"CREATE TEMP TABLE events AS SELECT {columns} FROM events_arrow")
        connection.register("blacklist", blacklist)
        results = {}
        for detection, parameters in detections:
            sql = detection.query(NAME, parameters, DIALECT)
            relation = connection.sql(sql)
            columns = relation.columns
            results[detection.id] = normalise_rows(
                [dict(zip(columns, row, strict=True)) for row in relation.fetchall()]
            )
        return results
    finally:
        connection.close()
