"""The column mapping of a firm's own CSV / JSON-lines / Parquet export onto the login-event schema.

A mapping file (YAML) names, for each ECS field, the export's column; `values` translate the firm's codes
(e.g. `Y` / `N`) into the schema's vocabulary; `constants` fill fields the export does not carry:

    columns:
      "@timestamp": login_time
      user.name: account
      event.outcome: result
      source.ip: client_ip
    values:
      event.outcome: {Y: success, N: failure}
    constants:
      service.name: web
    timestamp_format: "%Y/%m/%d %H:%M:%S"   # optional; otherwise ISO 8601, with or without offset
    encoding: cp950                          # optional (CSV, JSON lines); otherwise UTF-8

Without a mapping file the export's columns must carry the ECS names themselves.
"""

from __future__ import annotations

import codecs
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from zhengan.checks.logins import database
from zhengan.checks.logins.readers.base import EventIds
from zhengan.checks.logins.schema import ACTION_LOGON, ACTIONS, COLUMN_FOR_ECS, OUTCOMES, USER_TYPES
from zhengan.checks.result import InputError, SourceRef
from zhengan.text import Text

MAPPABLE = [
    ecs for ecs, column in COLUMN_FOR_ECS.items() if column not in ("source_file", "source_line", "event_id")
]
REQUIRED = ("@timestamp", "event.outcome", "user.name")


class MappingError(ValueError):
    """A mapping file that cannot be used (reported with file and field)."""


@dataclass
class ColumnMapping:
    columns: dict[str, str] = field(default_factory=dict)  # ECS field -> export column
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    timestamp_format: str | None = None
    explicit: bool = False  # from a firm's mapping file: every column it names must be in the export
    encoding: str | None = None  # the file's text encoding (CSV, JSON lines); None: UTF-8

    @classmethod
    def identity(cls) -> ColumnMapping:
        return cls(columns={name: name for name in MAPPABLE})

    @classmethod
    def load(cls, path: Path) -> ColumnMapping:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise MappingError(f"{path}: 對照檔不是有效的 YAML / not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise MappingError(f"{path}: 對照檔須為鍵值對照 / the mapping must be a YAML mapping of keys")
        unknown = set(data) - {"columns", "values", "constants", "timestamp_format", "encoding"}
        if unknown:
            raise MappingError(f"{path}: 不認得的欄位 / unknown keys: {sorted(unknown)}")
        for section in ("columns", "values", "constants"):
            content = data.get(section) or {}
            nested = section == "values"
            if not isinstance(content, dict) or any(
                isinstance(v, dict | list) != nested or (nested and not isinstance(v, dict))
                for v in content.values()
            ):
                shape = "欄位 → {代碼: 值} / field → {code: value}" if nested else "欄位 → 值 / field → value"
                raise MappingError(f"{path}: {section} 格式應為 {shape}")
        # A file without `columns` (only `encoding`, say) keeps the ECS column names, as no file does.
        named = data.get("columns") is not None
        mapping = cls(
            columns={str(k): str(v) for k, v in data["columns"].items()}
            if named
            else {name: name for name in MAPPABLE},
            values={
                str(k): {str(a): str(b) for a, b in v.items()} for k, v in (data.get("values") or {}).items()
            },
            constants={str(k): str(v) for k, v in (data.get("constants") or {}).items()},
            timestamp_format=data.get("timestamp_format"),
            explicit=named,
            encoding=_encoding(data.get("encoding"), path),
        )
        for section in ("columns", "values", "constants"):
            for name in getattr(mapping, section):
                if name not in MAPPABLE:
                    raise MappingError(
                        f"{path}: {section}.{name} 不是登入事件欄位 / is not a login-event field; "
                        f"expected one of {MAPPABLE}"
                    )
        return mapping

    def check_columns(self, available: list[str], file: str) -> None:
        for name in REQUIRED:
            column = self.columns.get(name)
            if name in self.constants:
                continue
            if column is None or column not in available:
                raise MappingError(
                    f"{file}: 缺少必要欄位 {name}（對照欄位 {column!r}）/ required field {name} "
                    f"(mapped to column {column!r}) is missing; columns found: {available}"
                )
        if self.explicit:
            # A column the firm's mapping names but the export lacks would leave its field empty for
            # every event (no address: every address-based detection blind), so it is refused too.
            missing = {name: column for name, column in self.columns.items() if column not in available}
            if missing:
                raise MappingError(
                    f"{file}: 對照檔所列欄位不在檔案中 / columns named by the mapping are not in the file: "
                    + ", ".join(f"{name} → {column!r}" for name, column in missing.items())
                    + f"; columns found: {available}"
                )


def is_utf8(encoding: str | None) -> bool:
    """Whether a declared encoding (as `codecs.lookup` names it; None: not declared) is UTF-8."""
    return encoding in (None, "utf-8", "utf-8-sig")


def _encoding(value: object, path: Path) -> str | None:
    """The declared text encoding, checked against Python's codecs (`cp950`, `big5`, `utf-8`, …)."""
    if value is None:
        return None
    try:
        return codecs.lookup(str(value)).name
    except LookupError as exc:
        raise MappingError(
            f"{path}: encoding {value!r} 不是已知的編碼 / is not a known text encoding (e.g. utf-8, cp950)"
        ) from exc


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# What DuckDB's trim() removes (Unicode category Zs), so that every reader path trims alike.
SPACES = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
LOWER_CASE = ("event.outcome", "user.type", "event.action", "service.name")
UPPER_CASE = ("source.geo.country_iso_code",)
# Fields with few distinct values: read dictionary-encoded, so that cleaning and checking them costs
# one pass over the distinct values rather than over every row.
FEW_VALUES = (
    "event.outcome",
    "event.action",
    "user.type",
    "host.name",
    "service.name",
    "source.geo.country_iso_code",
    "event.reason",
)
TEXT = pa.string()
DICTIONARY = pa.dictionary(pa.int32(), pa.string())
FIELD_COLUMNS = {ecs: COLUMN_FOR_ECS[ecs] for ecs in MAPPABLE}  # ECS field -> event-table column


def dictionary_columns(mapping: ColumnMapping) -> set[str]:
    """The export's columns worth reading dictionary-encoded (those mapped to few-valued fields)."""
    return {mapping.columns[name] for name in FEW_VALUES if name in mapping.columns}


def normalise(
    raw: pa.Table,
    mapping: ColumnMapping,
    file: str,
    timezone: str,
    lines: int | pa.Array | pa.ChunkedArray,
    raw_lines: Callable[[list[int]], dict[int, str]] | None = None,
) -> tuple[pa.Table, EventIds, list[InputError]]:
    """Normalise an export read into Arrow (`raw`: the export's own columns) into the event table.

    `lines` is the first data line (row i is on line i + lines) or the line of every row. Records whose
    timestamp, outcome, user, user type or action cannot be read are returned as quarantine errors,
    never silently dropped. `timezone` decides stamps without an offset. `raw_lines(lines)`, when given,
    returns the original text of rejected lines (else their values are shown as a record).

    Vectorised with Arrow (one pass per column, dictionaries cleaned once per distinct value); DuckDB
    reads only the stamps Arrow cannot (no offset, a firm's own format, other types), with its own rules.
    """
    available = list(raw.column_names)
    mapping.check_columns(available, file)
    count = raw.num_rows
    columns: dict[str, pa.ChunkedArray] = {}
    for name in MAPPABLE:
        if name != "@timestamp":
            columns[FIELD_COLUMNS[name]] = _field(raw, mapping, name, available, count)
    columns["event_action"] = _fill_null(columns["event_action"], ACTION_LOGON)
    timestamps = _timestamps(raw, mapping, timezone)

    problems = {
        "timestamp": pc.is_null(timestamps),
        "outcome": pc.invert(_member(columns["event_outcome"], OUTCOMES)),
        "user": pc.is_null(columns["user_name"]),
        "user_type": pc.and_(
            pc.is_valid(columns["user_type"]), pc.invert(_member(columns["user_type"], USER_TYPES))
        ),
        "action": pc.invert(_member(columns["event_action"], ACTIONS)),
    }
    bad = None
    for flags in problems.values():
        bad = flags if bad is None else pc.or_(bad, flags)
    table = pa.table({"timestamp": timestamps, **{k: columns[k] for k in EVENT_COLUMNS}})
    if count == 0 or not pc.any(bad).as_py():
        ids = EventIds(file, first_line=lines) if isinstance(lines, int) else EventIds(file, lines=lines)
        return table, ids, []

    rejected = pc.indices_nonzero(bad)
    kept = pc.indices_nonzero(pc.invert(bad))
    line_of = (
        (lambda rows: pc.add(rows.cast(pa.int64()), lines))
        if isinstance(lines, int)
        else (lambda rows: pc.take(lines, rows).cast(pa.int64()))
    )
    reasons = {name: pc.take(flags, rejected).to_pylist() for name, flags in problems.items()}
    rejected_lines = line_of(rejected).to_pylist()
    first_reason = [next(name for name in problems if reasons[name][i]) for i in range(len(rejected_lines))]
    if raw_lines is not None:
        raw_by_line = raw_lines(rejected_lines)
    else:
        raw_by_line = dict(zip(rejected_lines, _as_records(raw.take(rejected), timezone), strict=True))
    errors = [
        _mapped_error(file, line, problem, raw_by_line.get(line), mapping)
        for line, problem in sorted(zip(rejected_lines, first_reason, strict=True))
    ]
    return table.take(kept), EventIds(file, lines=line_of(kept)), errors


EVENT_COLUMNS = (
    "event_outcome",
    "event_action",
    "user_name",
    "user_type",
    "source_ip",
    "source_country",
    "host_name",
    "service_name",
    "event_reason",
)


def _field(
    raw: pa.Table, mapping: ColumnMapping, name: str, available: list[str], count: int
) -> pa.ChunkedArray:
    """One field: the export's column (trimmed, empty as null, codes translated, case folded) or the
    mapping's constant (codes translated, case folded) or nulls."""
    column = mapping.columns.get(name)
    if column is not None and column in available:
        values = _as_text(raw.column(column))
        trim = True
    elif name in mapping.constants:
        values = pa.chunked_array(
            [
                pa.DictionaryArray.from_arrays(
                    pa.repeat(pa.scalar(0, pa.int32()), count), [mapping.constants[name]]
                )
            ],
            DICTIONARY,
        )
        trim = False
    else:
        nothing = pa.DictionaryArray.from_arrays(pa.nulls(count, pa.int32()), pa.array([], TEXT))
        return pa.chunked_array([nothing], DICTIONARY)

    def clean(text: pa.Array) -> pa.Array:
        if trim:
            text = pc.utf8_trim(text, SPACES)
            empty = pc.equal(text, "")
            if pc.any(empty).as_py():
                text = pc.if_else(empty, pa.scalar(None, TEXT), text)
        codes = mapping.values.get(name)
        if codes:
            found = pc.index_in(text, value_set=pa.array(list(codes), TEXT))
            text = pc.coalesce(pc.take(pa.array(list(codes.values()), TEXT), found), text)
        if name in LOWER_CASE:
            text = pc.utf8_lower(text)
        elif name in UPPER_CASE:
            text = pc.utf8_upper(text)
        return text

    return _per_value(values, clean)


def _per_value(values: pa.ChunkedArray, clean: Callable[[pa.Array], pa.Array]) -> pa.ChunkedArray:
    """Apply `clean` to each distinct value of a dictionary column, else to every row."""
    if pa.types.is_dictionary(values.type):
        chunks = [pa.DictionaryArray.from_arrays(c.indices, clean(c.dictionary)) for c in values.chunks]
        return pa.chunked_array(chunks, DICTIONARY)
    return pa.chunked_array(_chunkwise(clean, values.chunks), TEXT)


_pool_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None


def _chunkwise(function: Callable[[pa.Array], pa.Array], chunks: Iterable[pa.Array]) -> list[pa.Array]:
    """`function` of each chunk, in order, the chunks shared out between the cores (Arrow's kernels
    release the GIL); the first error is raised as it would be one chunk after the other."""
    global _pool
    chunks = list(chunks)
    if len(chunks) < 2:
        return [function(chunk) for chunk in chunks]
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():  # a forked child starts its own threads
            _pool = (os.getpid(), ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="zhengan-arrow"))
        pool = _pool[1]
    return list(pool.map(function, chunks))


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    kind = column.type
    if kind in (TEXT, DICTIONARY):
        return column
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return column.cast(TEXT)
    if pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type):
        return column.cast(DICTIONARY)
    # Other types are spelled as DuckDB spells them (as the export's own SQL view would).
    return _duckdb_column(column, "CAST(v AS VARCHAR)", None)


def _fill_null(column: pa.ChunkedArray, value: str) -> pa.ChunkedArray:
    chunks = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            # null through the index or through the (cleaned) dictionary value
            values = pc.fill_null(chunk.dictionary, value)
            filler = pa.scalar(len(values), pa.int32())
            values = pa.concat_arrays([values, pa.array([value], TEXT)])
            chunks.append(pa.DictionaryArray.from_arrays(pc.fill_null(chunk.indices, filler), values))
        else:
            chunks.append(pc.fill_null(chunk, value))
    return pa.chunked_array(chunks, column.type)


def _member(column: pa.ChunkedArray, allowed: tuple[str, ...]) -> pa.ChunkedArray:
    """Per row: is the value one of `allowed` (null: no)."""
    value_set = pa.array(allowed, TEXT)
    chunks = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            known = pc.fill_null(pc.is_in(chunk.dictionary, value_set=value_set), False)
            chunks.append(pc.fill_null(pc.take(known, chunk.indices), False))
        else:
            chunks.append(pc.fill_null(pc.is_in(chunk, value_set=value_set), False))
    return pa.chunked_array(chunks, pa.bool_())


def _timestamps(raw: pa.Table, mapping: ColumnMapping, timezone: str) -> pa.ChunkedArray:
    """The `@timestamp` column as UTC instants (null where it cannot be read).

    Strings that all carry an offset are parsed by Arrow; anything else (no offset: the declared zone;
    a firm's `timestamp_format`; DATE or naive TIMESTAMP columns; odd spellings) by DuckDB, whose session
    zone is the declared one, exactly as the SQL reader did.
    """
    column = raw.column(mapping.columns.get("@timestamp", "@timestamp"))
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return pc.cast(column, UTC_MICROSECONDS, safe=False)  # nanoseconds truncated, as DuckDB does
    if pa.types.is_string(kind) and not mapping.timestamp_format:
        try:
            return pa.chunked_array(
                _chunkwise(lambda chunk: chunk.cast(UTC_MICROSECONDS), column.chunks), UTC_MICROSECONDS
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # some stamp without an offset, or spelled in a way only DuckDB reads
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        expression = "CAST(v AS TIMESTAMPTZ)"
    elif mapping.timestamp_format:
        expression = (
            f"CAST(try_strptime(CAST(v AS VARCHAR), {_literal(mapping.timestamp_format)}) AS TIMESTAMPTZ)"
        )
    else:
        expression = "try_cast(CAST(v AS VARCHAR) AS TIMESTAMPTZ)"
    micros = _duckdb_column(column, f"epoch_us({expression})", timezone)
    return micros.cast(pa.int64()).cast(UTC_MICROSECONDS)


UTC_MICROSECONDS = pa.timestamp("us", tz="UTC")


def _duckdb_column(column: pa.ChunkedArray, expression: str, timezone: str | None) -> pa.ChunkedArray:
    """`expression` of `v` over one column, evaluated by DuckDB in row order."""
    with database.connection(timezone) as connection:
        connection.register("__values", pa.table({"v": column}))
        return connection.sql(f"SELECT {expression} AS r FROM __values").to_arrow_table().column("r")


def _as_records(rows: pa.Table, timezone: str) -> list[str]:
    """The original values of a few rejected rows, as DuckDB spells a record (instants in `timezone`)."""
    with database.connection(timezone) as connection:
        connection.register("__rows", rows)
        fields = ", ".join(f"{_quote(c)} := {_quote(c)}" for c in rows.column_names)
        return [
            r[0]
            for r in connection.execute(
                f"SELECT CAST(struct_pack({fields}) AS VARCHAR) FROM __rows"
            ).fetchall()
        ]


_PROBLEMS = {
    "timestamp": ("@timestamp", "時間無法解讀", "timestamp cannot be read"),
    "outcome": (
        "event.outcome",
        "登入結果不是 success / failure / unknown",
        "outcome is not success/failure/unknown",
    ),
    "user": ("user.name", "缺少帳號", "user name is missing"),
    "user_type": (
        "user.type",
        "帳號類型不是 customer/staff/admin/vendor/service",
        "user type is not customer/staff/admin/vendor/service",
    ),
    "action": ("event.action", "事件動作不在支援的清單", f"event action is not one of {list(ACTIONS)}"),
}


def _mapped_error(file: str, line: int, problem: str, raw: str | None, mapping: ColumnMapping) -> InputError:
    ecs, zh, en = _PROBLEMS[problem]
    column = mapping.columns.get(ecs, ecs)
    return InputError(
        source=SourceRef(file=file, line=line, field=column),
        message=Text(zh=f"第 {line} 行：{zh}（欄位 {column}）", en=f"line {line}: {en} (column {column})"),
        raw=raw,
    )
