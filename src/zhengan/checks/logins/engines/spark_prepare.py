"""Spark reads and prepares Parquet, CSV and JSON-lines inputs itself: the driver never holds the events.

When the engine is Spark and every input is Parquet, CSV or JSON lines (`applicable`), each file is read
by `spark_sources` into the export's columns, its record numbers (Parquet's row index plus one; the line
of a CSV or JSON-lines record, numbered by `spark_text`) and the format's own rejections (a CSV line with
the wrong number of fields, a line that is not a JSON object). From there one code cleans every format
through the column mapping exactly as `readers/mapping.normalise` does (Unicode spaces trimmed, empty as
null, codes translated, constants, case folded, `event.action` defaulting to logon, the same quarantine
checks in the same order, the format's rejection first).

Then the events are prepared as `enrich.prepare` prepares them: `epoch` (UTC seconds), the distinct
source addresses collected to the driver (only those) and turned into the `addresses` table and the
per-text lookup by `enrich.address_lookup` (canonical spelling, offline `iptocc` country, `trusted`),
sent back and joined (`ip_no`, `source_ip` spelled canonically), `country` (the log's own, else the
address's), `trusted`, `is_core` (the distinct host and service names to the driver, matched by
`enrich.core_values`), `user_type` (the log's own, else the firm's first matching `account_types` rule,
else `default_user_type`) and, unless account names are case-sensitive, `user_name` as the account's
first-seen spelling (the spellings differing only in case found by Spark, grouped on the driver). The shared tables and the detections are
then those of `spark_engine` (`build_shared`, `detect`).

Only small things travel to the driver: the quarantined records (for the quarantine file), the distinct
source addresses, the distinct stamp texts DuckDB must read, per-input counts, the top lists, the bounds of
the events' instants and the rows of the results. `rid` encodes (input index, record number - 1) so that
`event_ids` names `file:line` / `file:record` for the events behind results without any table of events.

Differences from the driver's readers, by construction (see docs/logins.md, "Spark reads Parquet, CSV and
JSON lines itself"): `account_types` patterns are evaluated by Java's regex engine (`rlike`) rather than
RE2; case folding is Java's. Inputs Spark would not read as the driver does are not `applicable`, or
decline during the run (`spark_sources.NotAsOnTheDriver`): they go through the driver.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from zhengan.checks.logins import readers
from zhengan.checks.logins.config import LoginConfig
from zhengan.checks.logins.engines import TOP_LISTS, spark_engine, spark_sources, top_failures_sql
from zhengan.checks.logins.engines.spark_sources import SPACE_CLASS, _column
from zhengan.checks.logins.enrich import (
    accounts_note,
    address_lookup,
    calendar_table,
    core_values,
    unparsable_note,
)
from zhengan.checks.logins.holidays import HolidayCalendar
from zhengan.checks.logins.readers.base import ReadOptions
from zhengan.checks.logins.readers.mapping import (
    FIELD_COLUMNS,
    LOWER_CASE,
    MAPPABLE,
    TEXT,
    UPPER_CASE,
    ColumnMapping,
    _duckdb_column,
    _literal,
)
from zhengan.checks.logins.readers.parquet import FIRST_RECORD
from zhengan.checks.logins.rules import QUERY_COLUMNS, Detection
from zhengan.checks.logins.schema import ACTION_LOGON, ACTIONS, OUTCOMES, USER_TYPES
from zhengan.checks.result import InputError
from zhengan.text import Text

# rid = input index << ROW_BITS | row in the file (row = record - 1): 2**40 rows per file, 2**23 files
ROW_BITS = 40
ROW_MASK = (1 << ROW_BITS) - 1
# The quarantine checks in the order `mapping.normalise` gives the first failing one.
PROBLEMS = ("timestamp", "outcome", "user", "user_type", "action")
# The stamp spellings Spark reads itself, where Spark's and DuckDB's casts agree (tested against each
# other, tests/checks/logins/test_spark_prepare.py): an ISO date, optionally a time of at least hours
# and minutes (`T` or a space), and for a stamp with an offset, seconds and then `Z`, `+08`, `+0800`,
# `+08:00` or a zone name (`UTC`, `GMT`, `Asia/Tokyo`). Surrounding white space is allowed. Any other
# spelling (`2026/11/20 08:00:00`, `24:00`, `CST`, `asia/tokyo`, `+08:00` after a space, nonsense) is
# read by DuckDB on the driver exactly as the driver's reader reads it, once per distinct string.
DATE = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
CLOCK = r"([01]?[0-9]|2[0-3]):[0-5]?[0-9]"
SECONDS = r":[0-5]?[0-9](\.[0-9]*)?"
ZONE = r"(Z|[+-][0-9]{2}(:?[0-9]{2})?|\s*(UTC|GMT|[A-Z][A-Za-z_]+(/[A-Z][A-Za-z_]+)+))"
NAIVE_STAMP = rf"^\s*{DATE}([T ]{CLOCK}({SECONDS})?)?\s*$"  # read in the declared zone
ZONED_STAMP = rf"^\s*{DATE}[T ]{CLOCK}{SECONDS}{ZONE}\s*$"  # keeps its own offset
# At most this many distinct stamp texts are read by DuckDB on the driver (else the run declines).
ODD_STAMPS = 1_000_000


def _stamp_type_supported(kind: pa.DataType) -> bool:
    if pa.types.is_timestamp(kind):
        return kind.unit in ("s", "ms", "us")  # nanoseconds (and INT96, read as such) stay on the driver
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_date(kind)


def _text_type_supported(kind: pa.DataType) -> bool:
    # Integers are spelled alike by Spark and DuckDB; other types (floats, booleans, nested) might not.
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_integer(kind)


def applicable(paths: list[Path], options: ReadOptions, format: str | None = None) -> bool:
    """Whether Spark can read and prepare these inputs itself: every one Parquet, CSV or JSON lines (by
    `--format` or by its name and first bytes, in any mix), a Parquet file in types Spark reads as the
    driver's reader does, a CSV file in a dialect Spark reads alike (`spark_sources.csv_dialect`, from a
    sample), JSON keys Spark's paths can name. What only shows further in a file (a blank line, bytes
    that are not UTF-8, an unusual value) declines during the run (`spark_sources.NotAsOnTheDriver`)."""
    if not paths or not _spark_four():
        return False
    try:
        formats = [spark_sources.format_of(path, format) for path in paths]
    except readers.UnknownFormat:
        return False
    if any(chosen not in spark_sources.FORMATS for chosen in formats):
        return False
    mapping = _mapping(options)
    for path, chosen in zip(paths, formats, strict=True):
        if chosen == "parquet" and not _parquet_supported(path, mapping):
            return False
        if chosen == "csv":
            try:
                spark_sources.csv_dialect(path, mapping)
            except spark_sources.NotAsOnTheDriver:
                return False
        if chosen == "jsonl" and not spark_sources.jsonl_keys_supported(mapping):
            return False
    return True


def _parquet_supported(path: Path, mapping: ColumnMapping) -> bool:
    stamp = mapping.columns.get("@timestamp", "@timestamp")
    texts = {mapping.columns[name] for name in MAPPABLE if name != "@timestamp" and name in mapping.columns}
    schema = pq.read_schema(path)  # the footer only
    for name in schema.names:
        kind = schema.field(name).type
        if name == stamp and not _stamp_type_supported(kind):
            return False
        if name in texts and name != stamp and not _text_type_supported(kind):
            return False
    return True


def _spark_four() -> bool:
    """PySpark 4.0 or later (DataFrame.toArrow, createDataFrame from an Arrow table)."""
    try:
        import pyspark
    except ImportError:
        return False
    return int(pyspark.__version__.split(".")[0]) >= 4


def _mapping(options: ReadOptions) -> ColumnMapping:
    return ColumnMapping.load(options.mapping) if options.mapping else ColumnMapping.identity()


@dataclass
class InputCounts:
    path: str
    format: str
    records: int
    events: int
    quarantined: int


@dataclass
class SparkRun:
    """What the Spark-prepared run gives back to `analyse` (all small)."""

    rows: dict[str, list[dict[str, Any]]]
    errors: list[InputError]
    notes: list[Text]
    inputs: list[InputCounts]
    top_sources: list[tuple[str, int, int]]
    top_accounts: list[tuple[str, int, int]]
    count: int
    period: tuple[int, int] | None = None  # the first and last event (UTC epoch seconds)


class SparkEventIds:
    """`file:record` of the events behind results, from the rid alone."""

    def __init__(self, files: list[str]) -> None:
        self.files = files

    def __call__(self, rids: Iterable[int]) -> dict[int, str]:
        return {rid: f"{self.files[rid >> ROW_BITS]}:{(rid & ROW_MASK) + FIRST_RECORD}" for rid in set(rids)}


def _field(frame, mapping: ColumnMapping, name: str):
    """One field as `mapping._field` makes it: the column (trimmed, empty as null, codes translated,
    case folded) or the mapping's constant (codes translated, case folded) or null."""
    from pyspark.sql import functions as F

    column = mapping.columns.get(name)
    if column is not None and column in frame.columns:
        text = _column(column).cast("string")
        text = F.regexp_replace(text, f"^{SPACE_CLASS}+|{SPACE_CLASS}+$", "")
        text = F.when(text == "", F.lit(None).cast("string")).otherwise(text)
    elif name in mapping.constants:
        text = F.lit(mapping.constants[name]).cast("string")
    else:
        return F.lit(None).cast("string")
    codes = mapping.values.get(name)
    if codes:
        translated = None
        for code, meaning in codes.items():
            translated = (translated if translated is not None else F).when(text == code, F.lit(meaning))
        text = translated.otherwise(text)
    if name in LOWER_CASE:
        text = F.lower(text)
    elif name in UPPER_CASE:
        text = F.upper(text)
    return text


def _timestamp(frame, mapping: ColumnMapping, timezone: str):
    """`@timestamp` as `mapping._timestamps` reads it, in two parts: (the instant where Spark reads it
    alike, the text DuckDB must read on the driver). TIMESTAMP columns with a zone as they are; naive
    TIMESTAMP and DATE columns in the declared zone; strings without an offset in the declared zone,
    strings with one keep it, in the spellings `NAIVE_STAMP` and `ZONED_STAMP`; other spellings, and every
    string when the mapping has a `timestamp_format`, are left to DuckDB. The session zone is UTC."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DateType, StringType, TimestampNTZType, TimestampType

    name = mapping.columns.get("@timestamp", "@timestamp")
    column = _column(name)
    kind = frame.schema[name].dataType
    nothing = F.lit(None).cast("string")
    if isinstance(kind, TimestampType):
        return column, nothing
    if isinstance(kind, TimestampNTZType | DateType):
        return F.to_utc_timestamp(column.cast("timestamp"), timezone), nothing
    if isinstance(kind, StringType):
        if mapping.timestamp_format:
            return F.lit(None).cast("timestamp"), column
        naive = F.to_utc_timestamp(column.cast("timestamp_ntz").cast("timestamp"), timezone)
        read = F.when(column.rlike(NAIVE_STAMP), naive).when(
            column.rlike(ZONED_STAMP), column.cast("timestamp")
        )
        return read, F.when(~column.rlike(NAIVE_STAMP) & ~column.rlike(ZONED_STAMP), column)
    raise ValueError(f"unsupported @timestamp type {kind}")  # `applicable` keeps these on the driver


def _clean(index: int, source: spark_sources.Source, mapping: ColumnMapping, options: ReadOptions):
    """One input, cleaned as `mapping.normalise` cleans it: `input`, `row`, `reject`, `decline`,
    `timestamp` (where Spark reads it), `odd` (the stamp's text where DuckDB must read it) and the event
    columns `enrich.READ_COLUMNS` needs."""
    from pyspark.sql import functions as F

    mapping.check_columns(source.columns, source.file)
    frame = source.frame
    values = {FIELD_COLUMNS[name]: _field(frame, mapping, name) for name in MAPPABLE if name != "@timestamp"}
    values["event_action"] = F.coalesce(values["event_action"], F.lit(ACTION_LOGON))
    values["timestamp"], values["odd"] = _timestamp(frame, mapping, options.timezone)
    return frame.select(
        F.lit(index).alias("input"),
        F.col("__row").alias("row"),
        F.col("__reject").alias("reject"),
        F.col("__decline").alias("decline"),
        *(value.alias(name) for name, value in values.items()),
    )


def _read_odd_stamps(spark, read, mapping: ColumnMapping, timezone: str):
    """`read` with the stamps Spark leaves to DuckDB read by DuckDB on the driver, once per distinct text
    (usually none; with a `timestamp_format`, the day's distinct stamps), exactly as the driver's reader
    reads them, and joined back. More than `ODD_STAMPS` distinct texts decline the run."""
    from pyspark.sql import functions as F

    spellings = [
        row[0]
        for row in read.where(F.col("odd").isNotNull() & F.col("reject").isNull())
        .select("odd")
        .distinct()
        .limit(ODD_STAMPS + 1)
        .collect()
    ]
    if len(spellings) > ODD_STAMPS:
        raise spark_sources.NotAsOnTheDriver(f"more than {ODD_STAMPS} distinct stamps for DuckDB to read")
    if not spellings:
        return read
    if mapping.timestamp_format:
        expression = (
            f"CAST(try_strptime(CAST(v AS VARCHAR), {_literal(mapping.timestamp_format)}) AS TIMESTAMPTZ)"
        )
    else:
        expression = "try_cast(CAST(v AS VARCHAR) AS TIMESTAMPTZ)"
    micros = _duckdb_column(
        pa.chunked_array([pa.array(spellings, TEXT)]), f"epoch_us({expression})", timezone
    )
    lookup = spark.createDataFrame(
        pa.table({"__odd_text": pa.array(spellings, TEXT), "__odd_micros": micros.cast(pa.int64())})
    )
    joined = read.join(F.broadcast(lookup), F.col("odd") == F.col("__odd_text"), "left")
    return joined.withColumn(
        "timestamp", F.coalesce(F.col("timestamp"), F.timestamp_micros(F.col("__odd_micros")))
    ).drop("__odd_text", "__odd_micros")


def _with_problem(cleaned):
    """`problem`: the format's rejection first, then the first failing check of `mapping.normalise`."""
    from pyspark.sql import functions as F

    def member(name: str, allowed: tuple[str, ...]):
        return F.coalesce(F.col(name).isin(list(allowed)), F.lit(False))

    checks = {
        "timestamp": F.col("timestamp").isNull(),
        "outcome": ~member("event_outcome", OUTCOMES),
        "user": F.col("user_name").isNull(),
        "user_type": F.col("user_type").isNotNull() & ~member("user_type", USER_TYPES),
        "action": ~member("event_action", ACTIONS),
    }
    problem = F.when(F.col("reject").isNotNull(), F.lit("format"))
    for name in PROBLEMS:
        problem = problem.when(checks[name], F.lit(name))
    return cleaned.withColumn("problem", problem.otherwise(F.lit(None).cast("string")))


def _fold_accounts(spark, kept, notes: list[Text]):
    """`enrich.fold_accounts` on Spark: the accounts spelled in more than one case (usually none) to
    the driver, each spelling's first-seen one (smallest rid, the driver's first appearance) joined back."""
    from pyspark.sql import functions as F

    rid = (F.col("input").cast("long") * (1 << ROW_BITS)) + F.col("row")
    found = (
        kept.where(F.col("user_name").isNotNull())
        .groupBy(F.lower(F.col("user_name")).alias("__fold"))
        .agg(F.min_by("user_name", rid).alias("__first"), F.collect_set("user_name").alias("__names"))
        .where(F.size("__names") > 1)
        .collect()
    )
    if not found:
        return kept, F.col("user_name")
    groups = [(r["__first"], sorted(n for n in r["__names"] if n != r["__first"])) for r in found]
    notes.append(accounts_note(groups))
    pairs = [(other, first) for first, others in groups for other in others]
    lookup = spark.createDataFrame(
        pa.table(
            {
                "__spelling": pa.array([o for o, _ in pairs], TEXT),
                "__account": pa.array([f for _, f in pairs], TEXT),
            }
        )
    )
    kept = kept.join(F.broadcast(lookup), kept["user_name"] == lookup["__spelling"], "left")
    return kept, F.coalesce(F.col("__account"), F.col("user_name"))


def run(
    paths: list[Path],
    options: ReadOptions,
    config: LoginConfig,
    calendar: HolidayCalendar | None,
    blacklist: pa.Table,
    detections: list[tuple[Detection, dict[str, Any]]],
    shared: dict[str, Any],
    spark=None,
    master: str = "local[2]",
    limit: int = 10,
    format: str | None = None,
) -> SparkRun:
    """Read, prepare and analyse `paths` (each Parquet, CSV or JSON lines: `applicable`) on Spark.
    Raises `spark_sources.NotAsOnTheDriver` when an input turns out not to be read as the driver reads
    it (nothing is kept on Spark then)."""
    from pyspark import StorageLevel

    spark = spark or spark_engine.session(master)
    spark.conf.set("spark.sql.session.timeZone", "UTC")  # instants are compared and printed in UTC
    mapping = _mapping(options)
    files = [str(path) for path in paths]
    sources = [
        spark_sources.open_source(spark, path, spark_sources.format_of(path, format), mapping, options)
        for path in paths
    ]
    frames = [_clean(index, source, mapping, options) for index, source in enumerate(sources)]
    read = frames[0]
    for frame in frames[1:]:
        read = read.unionByName(frame)
    read = read.persist(StorageLevel.MEMORY_AND_DISK)
    built = [read]
    try:
        cleaned = _with_problem(_read_odd_stamps(spark, read, mapping, options.timezone))
        errors, inputs, notes = _quarantine(cleaned, sources, files, options)
        try:  # the views made from here on are dropped whatever happens
            events, prepared_notes = _prepared_events(spark, cleaned, config)
            built.append(events)
            notes.extend(prepared_notes)
            spark.createDataFrame(blacklist).createOrReplaceTempView("blacklist")
            spark.createDataFrame(calendar_table(calendar)).createOrReplaceTempView("calendar")
            built += spark_engine.build_shared(spark, shared)
            # The top lists from the unusual events (they hold every failure), as the DuckDB engine does.
            top_sources, top_accounts = (
                [
                    (r[0], int(r[1]), int(r[2]))
                    for r in spark.sql(top_failures_sql("unusual", key, other, limit)).collect()
                ]
                for key, other in TOP_LISTS
            )
            count, low, high = spark.sql("SELECT count(*), min(epoch), max(epoch) FROM events").collect()[0]
            rows = spark_engine.detect(spark, detections, SparkEventIds(files))
        finally:
            spark_engine.drop(spark, ["events", "addresses", "blacklist", "calendar"], [])
    finally:
        for frame in built:
            frame.unpersist()
    return SparkRun(
        rows=rows,
        errors=errors,
        notes=notes,
        inputs=inputs,
        top_sources=top_sources,
        top_accounts=top_accounts,
        count=int(count),
        period=(int(low), int(high)) if count else None,
    )


def _quarantine(cleaned, sources, files: list[str], options: ReadOptions):
    """Per input: records read and quarantined, the quarantine records (few, to the driver) and the
    reading notes. Raises `NotAsOnTheDriver` when some value would not be spelled as DuckDB spells it."""
    from pyspark.sql import functions as F

    # Per input: records read and quarantined; the quarantined records themselves (few) to the driver.
    counted = {
        row["input"]: (row["records"], row["bad"], row["declined"])
        for row in cleaned.groupBy("input")
        .agg(
            F.count(F.lit(1)).alias("records"),
            F.count("problem").alias("bad"),
            F.max(F.col("decline").cast("int")).alias("declined"),
        )
        .collect()
    }
    for index, (_, _, declined) in counted.items():
        if declined:
            raise spark_sources.NotAsOnTheDriver(
                f"{files[index]}: values Spark would not spell as DuckDB does"
            )
    rejected: dict[int, list[tuple[int, str, str | None]]] = {}
    for row in (
        cleaned.where(F.col("problem").isNotNull()).select("input", "row", "problem", "reject").collect()
    ):
        rejected.setdefault(row["input"], []).append((row["row"], row["problem"], row["reject"]))
    errors: list[InputError] = []
    inputs: list[InputCounts] = []
    notes: list[Text] = []
    for index, source in enumerate(sources):
        records, bad, _ = counted.get(index, (0, 0, 0))
        inputs.append(InputCounts(files[index], source.format, records, records - bad, bad))
        found = sorted(rejected.get(index, []))
        if found:
            errors.extend(source.errors(found))
        notes.append(
            Text(
                zh=f"{Path(files[index]).name}：未標示時區的時間以 {options.timezone} 解讀",
                en=f"{Path(files[index]).name}: stamps without an offset read as {options.timezone}",
            )
        )
    return errors, inputs, notes


def _prepared_events(spark, cleaned, config: LoginConfig):
    """The records kept, prepared as `enrich.prepare` prepares them (addresses, account case and types,
    core systems), persisted as the `events` view; with the notes `enrich.prepare` would give."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    kept = cleaned.where(F.col("problem").isNull())
    # The distinct source addresses (only those) to the driver, their table back to Spark.
    distinct = sorted(
        row[0] for row in kept.where(F.col("source_ip").isNotNull()).select("source_ip").distinct().collect()
    )
    addresses, lookup = address_lookup(pa.array(distinct, TEXT), config)
    spark.createDataFrame(addresses).createOrReplaceTempView("addresses")
    unparsable = [
        text for text, number in zip(distinct, lookup["ip_no"].to_pylist(), strict=True) if number is None
    ]
    address = spark.createDataFrame(lookup).select(
        F.col("source_ip").alias("__ip"),
        "ip_no",
        F.col("display").alias("__display"),
        F.col("country").alias("__country"),
        F.col("trusted").alias("__trusted"),
    )
    account, prepared_notes = F.col("user_name"), []  # in the order `enrich.prepare` gives them
    if not config.account_names_case_sensitive:
        kept, account = _fold_accounts(spark, kept, prepared_notes)
    user_type = F.col("user_type")
    if config.account_types:
        rule = None
        for item in config.account_types:
            rule = (rule if rule is not None else F).when(F.col("user_name").rlike(item.pattern), item.type)
        user_type = F.coalesce(user_type, rule)
    user_type = F.coalesce(user_type, F.lit(config.default_user_type))
    if config.core_hosts or config.core_services:

        def member(name: str, allowed: list[str]):
            if not allowed:
                return F.lit(False)
            return F.coalesce(F.col(name).isin(allowed), F.lit(False))

        names = kept.agg(F.collect_set("host_name"), F.collect_set("service_name")).collect()[0]
        hosts, services, unseen = core_values(list(names[0]), list(names[1]), config)
        prepared_notes[0:0] = unseen
        is_core = member("host_name", hosts) | member("service_name", services)
    else:
        is_core = F.lit(True)
    events = (
        kept.join(address, kept["source_ip"] == address["__ip"], "left")
        .select(
            ((F.col("input").cast("long") * (1 << ROW_BITS)) + F.col("row")).alias("rid"),
            "event_outcome",
            "event_action",
            account.alias("user_name"),
            user_type.alias("user_type"),  # by the name as spelled in the event
            F.coalesce(F.col("__display"), F.col("source_ip")).alias("source_ip"),
            "ip_no",
            "service_name",
            F.expr("unix_micros(timestamp) div 1000000").alias("epoch"),
            F.coalesce(F.col("source_country"), F.col("__country")).alias("country"),
            F.coalesce(F.col("__trusted"), F.lit(False)).alias("trusted"),
            is_core.alias("is_core"),
        )
        .select(*QUERY_COLUMNS)
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    events.createOrReplaceTempView("events")
    if unparsable:
        count_unparsable = events.where(F.col("source_ip").isNotNull() & F.col("ip_no").isNull()).count()
        prepared_notes.insert(0, unparsable_note(unparsable, count_unparsable))
    return events, prepared_notes
