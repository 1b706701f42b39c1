"""Login records in Parquet (a firm's export or zhengan's own synthetic day), through a column mapping.

Arrow reads the mapped columns in file order (few-valued text columns dictionary-encoded, as Parquet
usually stores them); the record number (row in the file, plus one) stands in for the line.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from zhengan.checks.logins.readers.base import ReadOptions, ReadResult
from zhengan.checks.logins.readers.mapping import ColumnMapping, _as_records, dictionary_columns, normalise
from zhengan.text import Text

FORMAT = "parquet"
FIRST_RECORD = 1


def read(path: Path, options: ReadOptions) -> ReadResult:
    mapping = ColumnMapping.load(options.mapping) if options.mapping else ColumnMapping.identity()
    file = str(path)
    schema = pq.read_schema(path)
    wanted = set(mapping.columns.values()) | {mapping.columns.get("@timestamp", "@timestamp")}
    columns = [name for name in schema.names if name in wanted]
    few = [
        name
        for name in dictionary_columns(mapping)
        if name in columns and pa.types.is_string(schema.field(name).type)
    ]
    raw = pq.read_table(path, columns=columns, read_dictionary=few)

    def records_of(lines: list[int]) -> dict[int, str]:
        # every column of the rejected records, as the quarantine file shows them
        rows = pq.read_table(path).take(pa.array([line - FIRST_RECORD for line in lines], pa.int64()))
        return dict(zip(lines, _as_records(rows, options.timezone), strict=True))

    table, ids, errors = normalise(raw, mapping, file, options.timezone, FIRST_RECORD, raw_lines=records_of)
    notes = [
        Text(
            zh=f"{path.name}：未標示時區的時間以 {options.timezone} 解讀",
            en=f"{path.name}: stamps without an offset read as {options.timezone}",
        )
    ]
    return ReadResult(table=table, errors=errors, notes=notes, records=raw.num_rows, ids=ids)
