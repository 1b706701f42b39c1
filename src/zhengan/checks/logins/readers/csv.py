"""A firm's own CSV export of login records, through a column mapping (`mapping.py`).

DuckDB's sniffer decides the dialect (delimiter, quoting) as it always did; Arrow's multi-threaded CSV
reader then reads the mapped columns in file order, so row i is on line i + 2 and no line number has to be
stored. If any line cannot be split into the header's columns, the file is read again by DuckDB, whose
reject table gives those lines with their numbers and reasons for quarantine (the rows read fine keep
their own line numbers). Line numbers assume one record per line (no line breaks inside quoted fields),
which is how login exports are written.
"""

from __future__ import annotations

import csv as python_csv
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as arrow_csv

from zhengan.checks.logins import database
from zhengan.checks.logins.readers.base import ReadOptions, ReadResult, bad_record
from zhengan.checks.logins.readers.mapping import (
    DICTIONARY,
    ColumnMapping,
    _literal,
    dictionary_columns,
    normalise,
)
from zhengan.text import Text

FORMAT = "csv"
FIRST_DATA_LINE = 2  # line 1 is the header
SNIFF_ROWS = 2048  # enough to tell the delimiter; a wrong guess shows as rejected lines and DuckDB reads


class _NeedsDuckDB(Exception):
    """The file is not one Arrow reads exactly as DuckDB would (rejected lines, unusual dialect)."""


def read(path: Path, options: ReadOptions) -> ReadResult:
    mapping = ColumnMapping.load(options.mapping) if options.mapping else ColumnMapping.identity()
    file = str(path)
    rejects: list[tuple[int, str, str]] = []
    try:
        raw = _read_with_arrow(path, mapping)
        lines: int | pa.ChunkedArray = FIRST_DATA_LINE
    except _NeedsDuckDB:
        raw, lines, rejects = _read_with_duckdb(path)
    table, ids, errors = normalise(
        raw, mapping, file, options.timezone, lines, raw_lines=lambda wanted: _raw_lines(path, wanted)
    )
    errors = [
        bad_record(file, line, f"第 {line} 行欄位數不符：{message}", f"line {line}: {message}", raw_text)
        for line, message, raw_text in rejects
    ] + errors
    errors.sort(key=lambda e: e.source.line or 0)
    notes = [
        Text(
            zh=f"{path.name}：未標示時區的時間以 {options.timezone} 解讀",
            en=f"{path.name}: stamps without an offset read as {options.timezone}",
        )
    ]
    return ReadResult(table=table, errors=errors, notes=notes, records=raw.num_rows + len(rejects), ids=ids)


def _read_with_arrow(path: Path, mapping: ColumnMapping) -> pa.Table:
    dialect = _sniff(path)
    header = _header(path, dialect)
    wanted = set(mapping.columns.values()) | {mapping.columns.get("@timestamp", "@timestamp")}
    columns = [name for name in header if name in wanted]
    if len(set(header)) != len(header) or not columns:
        raise _NeedsDuckDB  # duplicate or missing names: DuckDB's own naming rules apply
    few = dictionary_columns(mapping)
    invalid = []

    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = arrow_csv.read_csv(
            path,
            read_options=arrow_csv.ReadOptions(use_threads=True, block_size=4 << 20),
            parse_options=arrow_csv.ParseOptions(
                delimiter=dialect["delimiter"],
                quote_char=dialect["quote"] or False,
                double_quote=dialect["quote"] is not None and dialect["escape"] in (None, dialect["quote"]),
                escape_char=dialect["escape"] if dialect["escape"] not in (None, dialect["quote"]) else False,
                newlines_in_values=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=arrow_csv.ConvertOptions(
                include_columns=columns,
                column_types={name: DICTIONARY if name in few else pa.string() for name in columns},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, KeyError, UnicodeDecodeError) as exc:
        raise _NeedsDuckDB from exc
    if invalid:
        raise _NeedsDuckDB  # the rejected lines need DuckDB's numbers and reasons
    return table


def _sniff(path: Path) -> dict[str, str | None]:
    try:
        with database.connection() as connection:
            delimiter, quote, escape, skip, comment, has_header = connection.execute(
                "SELECT Delimiter, Quote, Escape, SkipRows, Comment, HasHeader "
                f"FROM sniff_csv({_literal(str(path))}, header = true, sample_size = {SNIFF_ROWS})"
            ).fetchall()[0]
    except duckdb.Error as exc:
        raise _NeedsDuckDB from exc
    if skip or (comment and comment != "(empty)") or not has_header or len(delimiter) != 1:
        raise _NeedsDuckDB
    # No quote seen in the sample: quoted fields further down are still read as RFC 4180 quotes.
    quote = '"' if quote in (None, "", "(empty)") else quote
    escape = None if escape in (None, "", "(empty)") else escape
    return {"delimiter": delimiter, "quote": quote, "escape": escape}


def _header(path: Path, dialect: dict[str, str | None]) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    rows = list(
        python_csv.reader(
            [first.rstrip("\r\n")],
            delimiter=dialect["delimiter"],
            quotechar=dialect["quote"] or '"',
            quoting=python_csv.QUOTE_MINIMAL if dialect["quote"] else python_csv.QUOTE_NONE,
        )
    )
    return rows[0] if rows else []


def _read_with_duckdb(path: Path) -> tuple[pa.Table, pa.ChunkedArray, list[tuple[int, str, str]]]:
    """Every column as text with its line number, and the lines DuckDB rejected."""
    file = str(path)
    with database.connection() as connection:
        connection.execute(
            f"""CREATE TEMP TABLE __raw AS
                SELECT * FROM read_csv({_literal(file)}, all_varchar = true, header = true, store_rejects = true,
                                       rejects_table = '__rejects', rejects_scan = '__scans')"""
        )
        rejects = connection.execute(
            "SELECT line, any_value(error_message), any_value(csv_line) FROM __rejects GROUP BY line ORDER BY line"
        ).fetchall()
        accepted = connection.execute("SELECT count(*) FROM __raw").fetchall()[0][0]
        # A table's rowid follows insertion (file) order: row i is on the i-th line neither header nor rejected.
        connection.execute(
            f"""CREATE TEMP TABLE __lines AS
                SELECT row_number() OVER (ORDER BY range) - 1 AS __i, range AS __line
                FROM range(2, {accepted + len(rejects) + 2})
                WHERE range NOT IN (SELECT line FROM __rejects)"""
        )
        table = connection.sql(
            "SELECT r.* EXCLUDE (__i), l.__line FROM (SELECT *, rowid AS __i FROM __raw) r "
            "JOIN __lines l USING (__i) ORDER BY l.__line"
        ).to_arrow_table()
    lines = table.column("__line")
    return table.drop_columns(["__line"]), lines, [(int(a), b, c) for a, b, c in rejects]


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
