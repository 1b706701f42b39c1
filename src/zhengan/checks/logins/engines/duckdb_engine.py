"""DuckDB: the default engine, in-process, all cores of one machine.

The prepared events are Arrow tables registered in a cursor of the process's database (`database.py`;
no copy). The shared tables are built once: the blacklisted addresses as a temporary table, the few per
cent of unusual events (`rules.EVENT_SUBSETS`) by asking DuckDB for their row numbers and taking those
rows from the Arrow table. The detections then read those, and only the few that need every success scan
the events in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import pyarrow as pa

from zhengan.checks.logins import database
from zhengan.checks.logins.engines import EVENT_AGGREGATES, normalise_rows
from zhengan.checks.logins.enrich import PreparedEvents
from zhengan.checks.logins.rules import EVENT_SUBSETS, SHARED_TABLES, Detection

NAME = "duckdb"
DIALECT = {"array": "list_value", "event_aggregates": EVENT_AGGREGATES}


def run(
    prepared: PreparedEvents,
    blacklist: pa.Table,
    detections: list[tuple[Detection, dict[str, Any]]],
    shared: dict[str, Any],
    timings: dict[str, float] | None = None,
    on_unusual: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The rows of each detection; `shared` fills the shared tables' SQL (`rules.shared_parameters`);
    `timings`, when given, receives the seconds of the shared tables and of the detections; `on_unusual`,
    when given, is called with the cursor once the shared tables are built (to read them too)."""
    import time

    with database.connection() as connection:
        connection.register("events", prepared.events)
        connection.register("addresses", prepared.addresses)
        connection.register("blacklist", blacklist)
        connection.register("calendar", prepared.calendar)
        clock = time.perf_counter()
        for name, sql in SHARED_TABLES:
            connection.execute(f"CREATE TEMP TABLE {name} AS {sql.format(**shared)}")
        subsets = []  # kept referenced while the cursor reads them
        for name, sql in EVENT_SUBSETS:
            rids = connection.sql(f"SELECT rid FROM ({sql.format(**shared)}) ORDER BY rid").to_arrow_table()
            subsets.append(prepared.events.take(rids.column("rid")))  # rid is the row number
            connection.register(name, subsets[-1])
        if timings is not None:
            timings["logins.shared_tables"] = time.perf_counter() - clock
        if on_unusual is not None:
            on_unusual(connection)
        if not detections:
            return {}
        # All the detections in one statement: DuckDB plans and schedules them together (a query over a
        # few thousand unusual events costs more to start than to run) and hands back one Arrow table,
        # quicker than its own conversion of list columns to Python. Each detection's query is its own
        # subquery, unchanged; the rows are told apart by the detection's position.
        statement = " UNION ALL BY NAME ".join(
            f"SELECT {index} AS __detection, * FROM ({detection.query(NAME, parameters, DIALECT)}\n)"
            for index, (detection, parameters) in enumerate(detections)
        )
        clock = time.perf_counter()
        table = connection.sql(statement).to_arrow_table()
        if timings is not None:
            timings["logins.detections"] = time.perf_counter() - clock
        found: list[list[dict[str, Any]]] = [[] for _ in detections]
        for row in table.to_pylist():
            found[row.pop("__detection")].append(row)
        return {
            detection.id: normalise_rows(rows, prepared.event_ids)
            for (detection, _), rows in zip(detections, found, strict=True)
        }
