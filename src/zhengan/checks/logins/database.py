"""One in-memory DuckDB database per process for the login analysis, from reading to detection.

Opening a DuckDB database costs about 25 ms (its catalogue, extensions and first query); a run used to
open four or five. Every part of the analysis that asks DuckDB something (the CSV sniffer and fallback
reader, the timestamps Arrow cannot parse, the detections, the daily top lists) now takes a cursor of
this one database instead: a cursor costs well under a millisecond.

A cursor has its own temporary tables, registered Arrow objects and session settings (`TimeZone`), so
concurrent runs in one process (threads) do not see each other's events; closing it frees them. A forked
child opens its own database (a DuckDB instance must not cross a fork).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

_lock = threading.Lock()
_database: duckdb.DuckDBPyConnection | None = None
_owner: int | None = None
_inherited: list[duckdb.DuckDBPyConnection] = []  # a parent's, kept unclosed: its threads are not ours


def database() -> duckdb.DuckDBPyConnection:
    """The process's in-memory database (opened on first use, again after a fork)."""
    global _database, _owner
    with _lock:
        if _database is None or _owner != os.getpid():
            if _database is not None:
                _inherited.append(_database)
            _database, _owner = duckdb.connect(), os.getpid()
        return _database


@contextmanager
def connection(timezone: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of the process's database, closed (with its temporary tables) after use; `timezone`, when
    given, is the session's `TimeZone` (how stamps without an offset are read)."""
    cursor = database().cursor()
    try:
        if timezone:
            cursor.execute("SET TimeZone = '" + timezone.replace("'", "''") + "'")
        yield cursor
    finally:
        cursor.close()
