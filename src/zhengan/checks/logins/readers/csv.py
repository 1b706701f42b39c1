"""A firm's own CSV export of login records, through a column mapping (`mapping.py`).

DuckDB reads the file (fast, in parallel); rows it cannot split into the header's columns come back from
its reject table with their line numbers and go to quarantine. Line numbers assume one record per line
(no line breaks inside quoted fields), which is how login exports are written.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from zhengan.checks.logins.readers.base import ReadOptions, ReadResult, bad_record
from zhengan.checks.logins.readers.mapping import ColumnMapping, _literal, normalise
from zhengan.text import Text

FORMAT = "csv"


def read(path: Path, options: ReadOptions) -> ReadResult:
    mapping = ColumnMapping.load(options.mapping) if options.mapping else ColumnMapping.identity()
    file = str(path)
    connection = duckdb.connect()
    try:
        connection.execute(
            f"""CREATE TEMP TABLE __raw AS
                SELECT * FROM read_csv({_literal(file)}, all_varchar = true, header = true, store_rejects = true,
                                       rejects_table = '__rejects', rejects_scan = '__scans')"""
        )
        rejects = connection.execute(
            "SELECT line, any_value(error_message), any_value(csv_line) FROM __rejects GROUP BY line ORDER BY line"
        ).fetchall()
        accepted = connection.execute("SELECT count(*) FROM __raw").fetchone()[0]
        # A table's rowid follows insertion (file) order, and each row carries its own line number from
        # here on (query results need not come back in file order): row i is on line i + 2 ...
        source = "SELECT *, rowid + 2 AS __line FROM __raw"
        if rejects:
            # ... unless lines were rejected: then row i is on the i-th line neither header nor rejected.
            connection.execute(
                f"""CREATE TEMP TABLE __lines AS
                    SELECT row_number() OVER (ORDER BY range) - 1 AS __i, range AS __line
                    FROM range(2, {accepted + len(rejects) + 2})
                    WHERE range NOT IN (SELECT line FROM __rejects)"""
            )
            source = (
                "SELECT r.*, l.__line FROM (SELECT *, rowid AS __i FROM __raw) r JOIN __lines l USING (__i)"
            )
        table, errors = normalise(
            connection,
            source,
            mapping,
            file,
            options.timezone,
            raw_lines=lambda lines: _raw_lines(path, lines),
        )
    finally:
        connection.close()
    errors = [
        bad_record(file, line, f"第 {line} 行欄位數不符：{message}", f"line {line}: {message}", raw)
        for line, message, raw in rejects
    ] + errors
    errors.sort(key=lambda e: e.source.line or 0)
    notes = [
        Text(
            zh=f"{path.name}：未標示時區的時間以 {options.timezone} 解讀",
            en=f"{path.name}: stamps without an offset read as {options.timezone}",
        )
    ]
    return ReadResult(table=table, errors=errors, notes=notes, records=accepted + len(rejects))


def _raw_lines(path: Path, wanted: list[int]) -> dict[int, str]:
    """The original text of the given lines (only read when some rows were rejected)."""
    targets, found = set(wanted), {}
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, start=1):
            if number in targets:
                found[number] = text.rstrip("\r\n")
                if len(found) == len(targets):
                    break
    return found
