"""DuckDB: the default engine, in-process, all cores of one machine.

The prepared events are Arrow tables registered in a cursor of the process's database (`database.py`;
no copy). The shared tables (`rules.SHARED_TABLES`: the blacklisted addresses and the few per cent of
unusual events) are built once as temporary tables; the detections then read those, and only the few
that need every success scan the events in place.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from zhengan.checks.logins import database
from zhengan.checks.logins.engines import EVENT_AGGREGATES, normalise_rows
from zhengan.checks.logins.enrich import PreparedEvents
from zhengan.checks.logins.rules import SHARED_TABLES, Detection

NAME = "duckdb"
DIALECT = {"array": "list_value", "event_aggregates": EVENT_AGGREGATES}


def run(
    prepared: PreparedEvents,
    blacklist: pa.Table,
    detections: list[tuple[Detection, dict[str, Any]]],
    shared: dict[str, Any],
    timings: dict[str, float] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The rows of each detection; `shared` fills the shared tables' SQL (`rules.shared_parameters`);
    `timings`, when given, receives the seconds of the shared tables and of each query."""
    import time

    with database.connection() as connection:
        connection.register("events", prepared.events)
        connection.register("addresses", prepared.addresses)
        connection.register("blacklist", blacklist)
        connection.register("calendar", prepared.calendar)
        clock = time.perf_counter()
        for name, sql in SHARED_TABLES:
            connection.execute(f"CREATE TEMP TABLE {name} AS {sql.format(**shared)}")
        if timings is not None:
            timings["logins.shared_tables"] = time.perf_counter() - clock
        results = {}
        for detection, parameters in detections:
            clock = time.perf_counter()
            # through Arrow: quicker than DuckDB's own conversion of list columns to Python
            rows = connection.sql(detection.query(NAME, parameters, DIALECT)).to_arrow_table().to_pylist()
            results[detection.id] = normalise_rows(rows, prepared.event_ids)
            if timings is not None:
                timings[detection.id] = time.perf_counter() - clock
        return results
