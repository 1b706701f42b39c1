"""Login records in Parquet (a firm's export or zhengan's own synthetic day), through a column mapping.

The record number (0-based row in the file, plus one) stands in for the line.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from zhengan.checks.logins.readers.base import ReadOptions, ReadResult
from zhengan.checks.logins.readers.mapping import ColumnMapping, _literal, normalise
from zhengan.text import Text

FORMAT = "parquet"


def read(path: Path, options: ReadOptions) -> ReadResult:
    mapping = ColumnMapping.load(options.mapping) if options.mapping else ColumnMapping.identity()
    file = str(path)
    connection = duckdb.connect()
    try:
        source = (
            f"SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __line "
            f"FROM read_parquet({_literal(file)}, file_row_number = true)"
        )
        records = connection.execute(f"SELECT count(*) FROM read_parquet({_literal(file)})").fetchone()[0]
        table, errors = normalise(connection, source, mapping, file, options.timezone)
    finally:
        connection.close()
    notes = [
        Text(
            zh=f"{path.name}：未標示時區的時間以 {options.timezone} 解讀",
            en=f"{path.name}: stamps without an offset read as {options.timezone}",
        )
    ]
    return ReadResult(table=table, errors=errors, notes=notes, records=records)
