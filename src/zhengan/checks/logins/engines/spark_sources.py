"""What Spark reads of each input, per format: the export's own columns, each record's number, and the
records the format itself rejects, exactly as the driver's reader (`readers/`) would read them.

Every source gives a DataFrame of `__row` (record number - 1), `__reject` (why the format rejects the
record, else null), `__decline` (true where Spark would not read the record as the driver does) and the
export's columns; `errors` turns the quarantined records into the driver's quarantine entries. Cleaning,
quarantine checks and preparation are shared by every format (`spark_prepare`).

- Parquet: `spark.read.parquet`, the record number Parquet's own row index plus one.
- CSV: the lines numbered by `spark_text`, the header (line 1) dropped, each line split with `from_csv`
  in the dialect DuckDB's sniffer finds on a sample (on the driver, as the driver's reader sniffs). A line
  with another number of fields than the header is rejected with DuckDB's reason, as the driver's
  reader rejects it (its numbers are the lines, as the driver's: one record per line).
- JSON lines: the lines numbered by `spark_text` (split at `\\n` only, as DuckDB splits them), blank
  lines skipped, each line parsed with `try_parse_json`; a line that is not one JSON object is rejected.

Spark declines (`NotAsOnTheDriver`: the run prepares on the driver instead) where it would read
otherwise than the driver: see `csv_dialect`, `JsonlSource` and docs/logins.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from zhengan.checks.logins import database, readers
from zhengan.checks.logins.engines.spark_text import FIRST_LINE, numbered_lines
from zhengan.checks.logins.readers import csv as csv_reader
from zhengan.checks.logins.readers.base import ReadOptions, bad_record
from zhengan.checks.logins.readers.mapping import (
    MAPPABLE,
    SPACES,
    ColumnMapping,
    _as_records,
    _literal,
    _mapped_error,
)
from zhengan.checks.logins.readers.parquet import FIRST_RECORD
from zhengan.checks.result import InputError

FORMATS = ("parquet", "csv", "jsonl")
# Java's regex class of the characters `mapping.SPACES` trims (Spark's trim() removes ASCII spaces only).
SPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):04x}}}" for c in SPACES) + "]"
DELIMITERS = (",", ";", "|", "\t")  # those DuckDB's sniffer tries
QUOTE = '"'


class NotAsOnTheDriver(Exception):
    """Spark would not read an input exactly as the driver's reader does: prepare on the driver."""


@dataclass
class Source:
    """One input as Spark reads it (see the module docstring)."""

    format: str
    file: str
    frame: object  # DataFrame: __row, __reject, __decline and the export's columns
    columns: list[str]  # the export's columns, as the driver's reader sees them
    errors: Callable[[list[tuple[int, str, str | None]]], list[InputError]]


def format_of(path: Path, format: str | None) -> str:
    return format or readers.detect_format(path)


def open_source(spark, path: Path, format: str, mapping: ColumnMapping, options: ReadOptions) -> Source:
    opener = {"parquet": parquet_source, "csv": csv_source, "jsonl": jsonl_source}[format]
    return opener(spark, path, mapping, options)


def parquet_source(spark, path: Path, mapping: ColumnMapping, options: ReadOptions) -> Source:
    from pyspark.sql import functions as F

    frame = spark.read.parquet(str(path))
    columns = list(frame.columns)
    framed = frame.select(
        F.col("_metadata.row_index").alias("__row"),
        F.lit(None).cast("string").alias("__reject"),
        F.lit(False).alias("__decline"),
        *(_column(name) for name in columns),
    )
    file = str(path)

    def errors(found: list[tuple[int, str, str | None]]) -> list[InputError]:
        raw = _raw_records(spark, path, [row for row, _, _ in found], options.timezone)
        return [
            _mapped_error(file, row + FIRST_RECORD, problem, raw.get(row), mapping)
            for row, problem, _ in found
        ]

    return Source("parquet", file, framed, columns, errors)


def _raw_records(spark, path: Path, rows: list[int], timezone: str) -> dict[int, str]:
    """Every column of the given rows of one Parquet file, spelled as the driver's quarantine spells them."""
    from pyspark.sql import functions as F

    frame = spark.read.parquet(str(path))
    columns = list(frame.columns)
    picked = (
        frame.select("*", F.col("_metadata.row_index").alias("__row"))
        .where(F.col("__row").isin(rows))
        .orderBy("__row")
        .toArrow()
    )
    numbers = picked.column("__row").to_pylist()
    return dict(zip(numbers, _as_records(picked.select(columns), timezone), strict=True))


def _column(name: str):
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


# ---------------------------------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    quote: str | None  # None: quotes are plain characters
    escape: str | None  # None or the quote (doubled quotes)
    header: list[str]
    rejected_prefix: str  # DuckDB's rejects spell a line of a CRLF file with the "\n" before it


def csv_dialect(path: Path, mapping: ColumnMapping) -> Dialect:
    """The dialect the driver's CSV reader reads `path` in, from samples only; `NotAsOnTheDriver` where
    it is not one Spark reads alike.

    The driver's reader reads with Arrow in the dialect of `csv._sniff` when that finds the mapped columns
    in the header and no line is rejected, else with DuckDB's `read_csv` (`store_rejects`), which sniffs
    for itself. Spark reads in DuckDB's dialect, and only where both would read in the same one: a
    single-character delimiter DuckDB tries, the quote `"` (doubled to escape it) or none, a header of
    distinct names, no skipped lines or comments."""
    try:
        with database.connection() as connection:
            delimiter, quote, escape, newline, skip, comment, has_header, columns = connection.execute(
                "SELECT Delimiter, Quote, Escape, NewLineDelimiter, SkipRows, Comment, HasHeader, Columns "
                f"FROM sniff_csv({_literal(str(path))}, header = true, store_rejects = true)"
            ).fetchall()[0]
    except duckdb.Error as exc:
        raise NotAsOnTheDriver(f"{path}: DuckDB's sniffer cannot read it ({exc.__class__.__name__})") from exc
    quote, escape, comment = (None if v in (None, "", "(empty)") else v for v in (quote, escape, comment))
    if skip or comment or not has_header or delimiter not in DELIMITERS:
        raise NotAsOnTheDriver(f"{path}: skipped lines, comments, no header or an unusual delimiter")
    if quote not in (None, QUOTE) or escape not in (None, quote):
        raise NotAsOnTheDriver(f"{path}: an unusual quote or escape character")
    if newline not in ("\\n", "\\r\\n"):
        raise NotAsOnTheDriver(f"{path}: lines ending otherwise than in LF or CRLF")
    names = [column["name"] for column in columns]
    try:
        header = csv_reader._header(path, {"delimiter": delimiter, "quote": quote, "escape": escape})
    except UnicodeDecodeError as exc:
        raise NotAsOnTheDriver(f"{path}: not UTF-8") from exc
    if header != names or len(set(names)) != len(names):
        raise NotAsOnTheDriver(f"{path}: a header DuckDB names otherwise (empty or repeated names)")
    try:
        arrow = csv_reader._sniff(path)
    except csv_reader._NeedsDuckDB:
        arrow = None
    if arrow is not None:
        seen = csv_reader._header(path, arrow)  # decodes as the line above did
        wanted = set(mapping.columns.values()) | {mapping.columns.get("@timestamp", "@timestamp")}
        arrow_reads = len(set(seen)) == len(seen) and any(name in wanted for name in seen)
        if arrow_reads and (
            arrow["delimiter"] != delimiter or seen != names or arrow["escape"] not in (None, QUOTE)
        ):
            raise NotAsOnTheDriver(f"{path}: the two sniffs of the driver's reader disagree")
    return Dialect(delimiter, quote, escape, names, "\n" if newline == "\\r\\n" else "")


def _well_formed(delimiter: str) -> str:
    """A line whose every quote opens or closes a quoted field (RFC 4180, doubled quotes inside)."""
    field = f'("([^"]|"")*"|[^"{delimiter}]*)'
    return f"^{field}([{delimiter}]{field})*\\z"


def csv_source(spark, path: Path, mapping: ColumnMapping, options: ReadOptions) -> Source:
    from pyspark.sql import functions as F

    dialect = csv_dialect(path, mapping)
    value = F.col("value")
    checks = {"blank": value == "", "encoding": ~F.is_valid_utf8(value)}
    if dialect.quote is None:
        checks["quote"] = value.contains(QUOTE)  # Arrow would take it as a quote, DuckDB as a character
    else:
        checks["quote"] = value.contains(QUOTE) & ~value.rlike(_well_formed(dialect.delimiter))
        if dialect.escape is None:
            checks["doubled"] = value.contains(QUOTE * 2)  # Arrow reads "" as a quote, DuckDB may not
    lines, found = numbered_lines(spark, path, None, checks)
    if any(found.values()):
        reasons = ", ".join(name for name, seen in found.items() if seen)
        raise NotAsOnTheDriver(f"{path}: lines Spark would not read as the driver does ({reasons})")
    header = dialect.header
    unquoted = F.regexp_replace(value, '"[^"]*"', "") if dialect.quote else value
    fields = F.size(F.split(unquoted, f"[{dialect.delimiter}]", -1))
    # No quoting: an empty `quote` (Spark's CSV options); a quote in a line has declined above then.
    options_csv = {
        "sep": dialect.delimiter,
        "mode": "PERMISSIVE",
        "quote": dialect.quote or "",
        "escape": QUOTE,
    }
    parsed = F.from_csv(value, _ddl(header), options_csv)
    wanted = set(mapping.columns.values()) | {mapping.columns.get("@timestamp", "@timestamp")}
    data = lines.where(F.col("line") > FIRST_LINE)
    frame = data.select(
        (F.col("line") - FIRST_RECORD).alias("__row"),
        F.when(fields != len(header), fields.cast("string")).alias("__reject"),
        F.lit(False).alias("__decline"),
        *(parsed.getField(name).alias(name) for name in header if name in wanted),
    )
    file = str(path)

    def errors(found: list[tuple[int, str, str | None]]) -> list[InputError]:
        numbers = [row + FIRST_RECORD for row, _, _ in found]
        texts = {
            r["line"]: r["value"]
            for r in lines.where(F.col("line").isin(numbers)).select("line", "value").collect()
        }
        made = []
        for (_, problem, detail), line in zip(found, numbers, strict=True):
            if problem == "format":
                message = f"Expected Number of Columns: {len(header)} Found: {detail}"
                kind = "MISSING COLUMNS" if int(detail or 0) < len(header) else "TOO MANY COLUMNS"
                zh, en = csv_reader.REJECT_REASONS[kind]  # worded as the driver's CSV reader words them
                made.append(
                    bad_record(
                        file,
                        line,
                        f"第 {line} 行{zh}：{message}",
                        f"line {line}: {en}: {message}",
                        dialect.rejected_prefix + texts[line],
                    )
                )
            else:
                made.append(_mapped_error(file, line, problem, texts.get(line), mapping))
        return made

    return Source("csv", file, frame, header, errors)


def _ddl(names: list[str]) -> str:
    return ", ".join("`" + name.replace("`", "``") + "` STRING" for name in names)


# ---------------------------------------------------------------------------------------- JSON lines

# What `schema_of_variant` names the values whose text DuckDB's `->>` spells alike (strings, integers,
# true / false, null); any other value in a mapped key (a decimal, an object, an array) declines.
PLAIN_VALUES = ("STRING", "BIGINT", "BOOLEAN", "VOID")
JSON_SPACE = "[ \\t\\r\\n]"


def jsonl_keys(mapping: ColumnMapping) -> list[str]:
    """The keys the driver's JSON-lines reader extracts (every field the mapping may name)."""
    return sorted({mapping.columns.get(name, name) for name in MAPPABLE})


def jsonl_source(spark, path: Path, mapping: ColumnMapping, options: ReadOptions) -> Source:
    """A line is one record unless it is blank (only the spaces DuckDB's `trim` removes). It is a JSON
    object when its text, followed by `,"<sentinel>"` and wrapped in `[ ]`, parses as a JSON array whose
    second element is the sentinel: Spark's parser stops at the end of the first value, so this is what
    proves that nothing follows the object (a random sentinel no line contains). Lines Spark rejects are
    judged again by DuckDB on the driver (they are few): one DuckDB accepts declines the run."""
    from pyspark.sql import functions as F

    keys = jsonl_keys(mapping)
    sentinel = f"zhengan-{uuid.uuid4().hex}"
    value = F.col("value")
    lines, found = numbered_lines(
        spark, path, "\n", {"encoding": ~F.is_valid_utf8(value), "sentinel": value.contains(sentinel)}
    )
    if any(found.values()):
        raise NotAsOnTheDriver(f"{path}: lines Spark would not read as the driver does (encoding)")
    records = lines.where(~value.rlike(f"^{SPACE_CLASS}*\\z"))  # \z: Java's $ also matches before "\r"
    wrapped = F.try_parse_json(F.concat(F.lit("["), value, F.lit(f',"{sentinel}"]')))
    valid = F.coalesce(
        value.rlike(f"^{JSON_SPACE}*\\{{") & (F.try_variant_get(wrapped, "$[1]", "string") == sentinel),
        F.lit(False),
    )
    unusual = F.lit(False)
    for key in keys:
        kind = F.schema_of_variant(F.try_variant_get(wrapped, _json_path(key), "variant"))
        unusual = unusual | F.coalesce(~kind.isin(list(PLAIN_VALUES)), F.lit(False))
    frame = records.select(
        (F.col("line") - FIRST_RECORD).alias("__row"),
        F.when(~valid, F.lit("json")).alias("__reject"),
        (valid & unusual).alias("__decline"),
        *(F.when(valid, F.try_variant_get(wrapped, _json_path(key), "string")).alias(key) for key in keys),
    )
    file = str(path)

    def errors(found: list[tuple[int, str, str | None]]) -> list[InputError]:
        numbers = [row + FIRST_RECORD for row, _, _ in found]
        bad = [line for line, (_, problem, _) in zip(numbers, found, strict=True) if problem == "format"]
        texts = {r["line"]: r["value"] for r in lines.where(F.col("line").isin(bad)).collect()} if bad else {}
        _confirm_invalid(path, texts)
        mapped = [line for line in numbers if line not in texts]
        records_of = {}
        if mapped:
            picked = (
                frame.where(F.col("__row").isin([line - FIRST_RECORD for line in mapped]))
                .orderBy("__row")
                .select("__row", *(_column(key) for key in keys))
                .toArrow()
            )
            table = pa.table({key: picked.column(key).cast(pa.string()) for key in keys})
            rows = [row + FIRST_RECORD for row in picked.column("__row").to_pylist()]
            records_of = dict(zip(rows, _as_records(table, options.timezone), strict=True))
        made = []
        for (_, problem, _), line in zip(found, numbers, strict=True):
            if problem == "format":
                made.append(
                    bad_record(
                        file,
                        line,
                        f"第 {line} 行不是有效的 JSON 物件",
                        f"line {line}: not a valid JSON object",
                        texts[line],
                    )
                )
            else:
                made.append(_mapped_error(file, line, problem, records_of.get(line), mapping))
        return made

    return Source("jsonl", file, frame, keys, errors)


def _json_path(key: str) -> str:
    return f"$[0]['{key}']"


def jsonl_keys_supported(mapping: ColumnMapping) -> bool:
    """Keys Spark's JSON path can name as DuckDB's does (no quote or backslash in them)."""
    return all("'" not in key and "\\" not in key for key in jsonl_keys(mapping))


def _confirm_invalid(path: Path, texts: dict[int, str]) -> None:
    """DuckDB agrees that each of these lines is not a JSON object (else: `NotAsOnTheDriver`)."""
    if not texts:
        return
    with database.connection() as connection:
        connection.register("__bad", pa.table({"text": pa.array(list(texts.values()), pa.string())}))
        invalid = connection.execute(
            "SELECT count(*) FROM __bad WHERE NOT coalesce(json_valid(text), false) OR json_type(text) <> 'OBJECT'"
        ).fetchall()[0][0]
    if invalid != len(texts):
        raise NotAsOnTheDriver(f"{path}: a line Spark cannot parse that DuckDB reads as JSON")
