"""A firm's own CSV export of login records, through a column mapping (`mapping.py`).

DuckDB's sniffer decides the dialect (delimiter, quoting) as it always did; Arrow's multi-threaded CSV
reader then reads the mapped columns in file order, so row i is on line i + 2 and no line number has to be
stored. If any line cannot be split into the header's columns, the file is read again by DuckDB, whose
reject table gives those lines with their numbers and reasons for quarantine (the rows read fine keep
their own line numbers).

Those line numbers hold only if every record is exactly one line. A file holding neither the dialect's
quote nor its escape character cannot have a record over several lines: Arrow reads it with blank lines
as rows of nulls, so row i is line i + 2 with nothing counted (a row of nulls, a blank line or a record of
empty fields, sends the file to the next check). Otherwise both paths check it at the cost of counting
the file's line breaks: a record is at least one line, so as many records (read plus rejected) as data
lines means one line each. Otherwise (a line break inside a quoted field, a blank line between
records) the file is read again by Python's `csv` module, which numbers every record by the line it
starts on, quarantines a record with the wrong number of fields with its whole text, and is slower.

The file is UTF-8 unless the mapping's `encoding` says otherwise (e.g. `cp950`, Big5 as Excel on a
Taiwanese Windows saves it): such a file is first converted to UTF-8 in a temporary file (line numbers
unchanged). A header that is not UTF-8 is refused with a message saying so; a line that is not UTF-8 is
quarantined as such.
"""

from __future__ import annotations

import csv as python_csv
import mmap
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv

from zhengan.checks.logins import database
from zhengan.checks.logins.readers.base import SURROGATE, ReadOptions, ReadResult, bad_record, printable
from zhengan.checks.logins.readers.mapping import (
    DICTIONARY,
    ColumnMapping,
    MappingError,
    _literal,
    dictionary_columns,
    is_utf8,
    normalise,
)
from zhengan.text import Text

FORMAT = "csv"
FIRST_DATA_LINE = 2  # line 1 is the header
SNIFF_ROWS = 2048  # enough to tell the delimiter; a wrong guess shows as rejected lines and DuckDB reads


class _NeedsDuckDB(Exception):
    """The file is not one Arrow reads exactly as DuckDB would (rejected lines, unusual dialect)."""


# DuckDB reject types, in words for the quarantine record.
REJECT_REASONS = {
    "MISSING COLUMNS": ("欄位數不足", "too few columns"),
    "TOO MANY COLUMNS": ("欄位數過多", "too many columns"),
    "INVALID ENCODING": (
        "不是 UTF-8 編碼（Big5 匯出檔請在對照檔設定 encoding: cp950）",
        "not UTF-8 (for a Big5 export set `encoding: cp950` in the mapping file)",
    ),
    "UNQUOTED VALUE": ("引號使用錯誤", "badly quoted value"),
    "LINE SIZE OVER MAXIMUM": ("該行過長", "line too long"),
}


def read(path: Path, options: ReadOptions) -> ReadResult:
    mapping = ColumnMapping.load(options.mapping) if options.mapping else ColumnMapping.identity()
    encoding = mapping.encoding or "utf-8"
    if is_utf8(encoding):
        return _read_utf8(path, path, mapping, options)
    with tempfile.TemporaryDirectory(prefix="zhengan-csv-") as folder:
        converted = Path(folder) / "utf8.csv"
        try:
            with (
                path.open(encoding=encoding, newline="") as source,
                converted.open("w", encoding="utf-8", newline="") as target,
            ):
                for text in source:
                    target.write(text)
        except UnicodeDecodeError:
            # Some line is not in the declared encoding: keep what decodes, quarantine the rest as such.
            data = path.read_bytes().decode(encoding, errors="surrogateescape")
            converted.write_bytes(data.encode("utf-8", errors="surrogateescape"))
        return _read_utf8(path, converted, mapping, options)


def _read_utf8(path: Path, source: Path, mapping: ColumnMapping, options: ReadOptions) -> ReadResult:
    """Read `source` (UTF-8), naming every record after `path` (the file given)."""
    file = str(path)
    _check_header_encoding(path, source, mapping)
    rejects: list[tuple[int, str, str, str]] = []
    spans: dict[int, str] = {}  # first line -> whole text, for records over several lines
    try:
        dialect = _sniff(source)
        raw = _read_with_arrow(source, mapping, dialect, blank_lines_as_rows=True)
        if raw is None:  # quotes in the file: a record may span lines, only a count of them tells
            with ThreadPoolExecutor(1) as pool:  # the count runs while Arrow's threads read
                counted = pool.submit(_data_lines, source)
                raw = _read_with_arrow(source, mapping, dialect)
            if raw.num_rows != counted.result():
                raise _NeedsPython
        lines: int | pa.ChunkedArray = FIRST_DATA_LINE
    except _NeedsDuckDB:
        try:
            raw, lines, rejects = _read_with_duckdb(source)
            if raw.num_rows + len(rejects) != _data_lines(source):
                raise _NeedsPython from None
        except _NeedsPython:
            raw, lines, rejects, spans = _read_with_python(source)
    except _NeedsPython:
        raw, lines, rejects, spans = _read_with_python(source)

    def raw_lines(wanted: list[int]) -> dict[int, str]:
        found = _raw_lines(source, [line for line in wanted if line not in spans])
        found.update({line: spans[line] for line in wanted if line in spans})
        return found

    table, ids, errors = normalise(raw, mapping, file, options.timezone, lines, raw_lines=raw_lines)
    errors = [
        _rejected(file, line, kind, message, raw_text, mapping.encoding)
        for line, kind, message, raw_text in rejects
    ] + errors
    errors.sort(key=lambda e: e.source.line or 0)
    notes = [
        Text(
            zh=f"{path.name}：未標示時區的時間以 {options.timezone} 解讀",
            en=f"{path.name}: stamps without an offset read as {options.timezone}",
        )
    ]
    if spans:
        notes.append(
            Text(
                zh=f"{path.name}：有 {len(spans)} 筆紀錄跨越多行（引號內換行），以其起始行號標示",
                en=f"{path.name}: {len(spans)} record(s) span several lines (line breaks inside quotes); "
                "each is named by the line it starts on",
            )
        )
    return ReadResult(table=table, errors=errors, notes=notes, records=raw.num_rows + len(rejects), ids=ids)


def _rejected(file: str, line: int, kind: str, message: str, text: str, encoding: str | None):
    """The quarantine record of a line the reader rejected, its reason in words."""
    zh, en = REJECT_REASONS.get(kind, ("無法讀取", "cannot be read"))
    if kind == "INVALID ENCODING":
        message = ""  # DuckDB's own words ("This file is not utf-8 encoded") say less than ours
        if not is_utf8(encoding):
            # The file was converted from the declared encoding: the line is not in that encoding.
            zh, en = f"無法以 {encoding} 解碼", f"cannot be decoded as {encoding}"
    zh_text = f"第 {line} 行{zh}" + (f"：{message}" if message else "")
    en_text = f"line {line}: {en}" + (f": {message}" if message else "")
    return bad_record(file, line, zh_text, en_text, text)


class _NeedsPython(Exception):
    """Some record is not exactly one line: only a reader that counts lines numbers them right."""


def _check_header_encoding(path: Path, source: Path, mapping: ColumnMapping) -> None:
    with source.open("rb") as handle:
        first = handle.readline()
    try:
        first.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MappingError(
            f"{path}: 標題列不是 UTF-8 編碼（Big5／CP950 匯出檔請在對照檔設定 encoding: cp950）/ the header "
            f"line is not UTF-8 (byte {exc.start + 1}); for a Big5 / CP950 export set `encoding: cp950` "
            "in the mapping file"
        ) from exc
    if not is_utf8(mapping.encoding) and SURROGATE.search(first.decode("utf-8", errors="surrogateescape")):
        raise MappingError(
            f"{path}: 標題列無法以 {mapping.encoding} 解碼 / the header line cannot be decoded as "
            f"{mapping.encoding}"
        )


def _data_lines(source: Path) -> int:
    """The number of lines after the header (blank lines at the end aside). As many records (read or
    rejected) as that means record i is on line i + 2: a record takes at least one line, so fewer records
    than lines means one spans several lines (or a blank line sits between records)."""
    breaks, tail = 0, b""
    with source.open("rb") as handle:
        while block := handle.read(16 << 20):
            breaks += block.count(b"\n")
            tail = (tail + block[-4096:])[-4096:]  # not a copy of the whole block
    # Line breaks after the last character that is not a line break or blank end no record.
    stripped = tail.rstrip(b"\r\n \t")
    trailing = tail[len(stripped) :].count(b"\n")
    lines = breaks - trailing + (1 if stripped or breaks - trailing else 0)  # the last line, if any
    return max(lines - 1, 0)


def _read_with_arrow(
    path: Path, mapping: ColumnMapping, dialect: dict[str, str | None], blank_lines_as_rows: bool = False
) -> pa.Table | None:
    """The mapped columns, read by Arrow on both cores, row i being record i. `blank_lines_as_rows`: only
    for a file without the dialect's quote and escape characters (else None), where no record can span
    lines; Arrow then gives a blank line as a row of nulls, so row i is line i + 2 without counting the
    lines, and a file with any row of nulls (a blank line, or a record of empty fields) gives None too."""
    if blank_lines_as_rows and _holds_any(path, {dialect["quote"], dialect["escape"]} - {None}):
        return None
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
                ignore_empty_lines=not blank_lines_as_rows,
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
    if blank_lines_as_rows and _any_row_all_null(table):
        return None
    return table


def _holds_any(path: Path, characters: set[str]) -> bool:
    """Whether the file holds any of `characters` (a search of the mapped file: no copy, a few ms)."""
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        return any(mapped.find(character.encode("utf-8")) >= 0 for character in characters)


def _any_row_all_null(table: pa.Table) -> bool:
    if table.num_rows == 0 or any(column.null_count == 0 for column in table.columns):
        return False
    every = table.column(0).is_null()
    for column in table.columns[1:]:
        every = pc.and_(every, column.is_null())
    return pc.any(every).as_py()


def _sniff(path: Path) -> dict[str, str | None]:
    found = _sniffed(path)
    if found is None or found["skip"] or found["comment"] or not found["has_header"]:
        raise _NeedsDuckDB
    if len(found["delimiter"] or "") != 1:
        raise _NeedsDuckDB
    return {key: found[key] for key in ("delimiter", "quote", "escape")}


def _sniffed(path: Path, lenient: bool = False) -> dict | None:
    """DuckDB's sniffer's view of the dialect (None if it cannot tell); `lenient`: as `read_csv` with
    `store_rejects` sees it (lines with the wrong number of columns do not sway the guess)."""
    try:
        with database.connection() as connection:
            delimiter, quote, escape, skip, comment, has_header = connection.execute(
                "SELECT Delimiter, Quote, Escape, SkipRows, Comment, HasHeader "
                f"FROM sniff_csv({_literal(str(path))}, header = true, sample_size = {SNIFF_ROWS}"
                + (", store_rejects = true)" if lenient else ")")
            ).fetchall()[0]
    except duckdb.Error:
        return None
    # No quote seen in the sample: quoted fields further down are still read as RFC 4180 quotes.
    quote = '"' if quote in (None, "", "(empty)") else quote
    escape = None if escape in (None, "", "(empty)") else escape
    comment = None if comment in (None, "", "(empty)") else comment
    return {
        "delimiter": delimiter,
        "quote": quote,
        "escape": escape,
        "skip": skip,
        "comment": comment,
        "has_header": has_header,
    }


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


def _read_with_duckdb(path: Path) -> tuple[pa.Table, pa.ChunkedArray, list[tuple[int, str, str, str]]]:
    """Every column as text with its line number, and the lines DuckDB rejected."""
    file = str(path)
    with database.connection() as connection:
        connection.execute(
            f"""CREATE TEMP TABLE __raw AS
                SELECT * FROM read_csv({_literal(file)}, all_varchar = true, header = true, store_rejects = true,
                                       rejects_table = '__rejects', rejects_scan = '__scans')"""
        )
        rejects = connection.execute(
            "SELECT line, any_value(error_type::VARCHAR), any_value(error_message), any_value(csv_line) "
            "FROM __rejects GROUP BY line ORDER BY line"
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
    return table.drop_columns(["__line"]), lines, [(int(a), b, c, d) for a, b, c, d in rejects]


def _read_with_python(
    path: Path,
) -> tuple[pa.Table, pa.ChunkedArray, list[tuple[int, str, str, str]], dict[int, str]]:
    """Every column as text, each record numbered by the line it starts on (Python's `csv` module counts
    the lines a quoted field spans); records with the wrong number of fields or bytes that are not UTF-8
    are rejected with their whole text. Also gives the whole text of every record over several lines."""
    dialect = _sniffed(path, lenient=True) or {
        "delimiter": ",",
        "quote": '"',
        "escape": None,
        "skip": 0,
        "comment": None,
    }
    consumed: list[str] = []
    rejects: list[tuple[int, str, str, str]] = []
    spans: dict[int, str] = {}
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:

        def feed():
            for text in handle:
                consumed.append(text)
                yield text

        reader = python_csv.reader(
            feed(),
            delimiter=dialect["delimiter"] if len(dialect["delimiter"] or "") == 1 else ",",
            quotechar=dialect["quote"] or '"',
            escapechar=dialect["escape"] if dialect["escape"] != dialect["quote"] else None,
            doublequote=dialect["escape"] in (None, dialect["quote"]),
            strict=False,
        )
        for _ in range(int(dialect["skip"] or 0)):
            next(reader, None)
        header = _unique(next(reader, []))
        consumed.clear()
        columns: list[list[str | None]] = [[] for _ in header]
        numbers: list[int] = []
        start = reader.line_num + 1
        for row in reader:
            text = "".join(consumed).rstrip("\r\n")
            consumed.clear()
            first, start = start, reader.line_num + 1
            if not row or (dialect["comment"] and text.startswith(dialect["comment"])):
                continue  # a blank line (or a comment): no record
            if reader.line_num > first:
                spans[first] = text
            if SURROGATE.search(text):
                rejects.append(
                    (
                        first,
                        "INVALID ENCODING",
                        "",
                        printable(text),
                    )
                )
                continue
            if len(row) != len(header):
                kind = "MISSING COLUMNS" if len(row) < len(header) else "TOO MANY COLUMNS"
                rejects.append(
                    (first, kind, f"Expected Number of Columns: {len(header)} Found: {len(row)}", text)
                )
                continue
            numbers.append(first)
            for column, value in zip(columns, row, strict=True):
                column.append(value if value != "" else None)
    table = pa.table(
        {name: pa.array(values, pa.string()) for name, values in zip(header, columns, strict=True)}
    )
    return table, pa.chunked_array([pa.array(numbers, pa.int64())]), rejects, spans


def _unique(names: list[str]) -> list[str]:
    """Header names made unique as DuckDB makes them (`a`, `a_1`, ...)."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        seen.setdefault(name, 0)
        unique.append(name)
    return unique


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
