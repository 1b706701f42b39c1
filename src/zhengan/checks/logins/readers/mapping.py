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

Without a mapping file the export's columns must carry the ECS names themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from zhengan.checks.logins.schema import (
    ACTION_LOGON,
    ACTIONS,
    COLUMN_FOR_ECS,
    EVENT_SCHEMA,
    OUTCOMES,
    USER_TYPES,
)
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

    @classmethod
    def identity(cls) -> ColumnMapping:
        return cls(columns={name: name for name in MAPPABLE})

    @classmethod
    def load(cls, path: Path) -> ColumnMapping:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise MappingError(f"{path}: 對照檔不是有效的 YAML / not valid YAML: {exc}") from exc
        unknown = set(data) - {"columns", "values", "constants", "timestamp_format"}
        if unknown:
            raise MappingError(f"{path}: 不認得的欄位 / unknown keys: {sorted(unknown)}")
        mapping = cls(
            columns={str(k): str(v) for k, v in (data.get("columns") or {}).items()},
            values={
                str(k): {str(a): str(b) for a, b in v.items()} for k, v in (data.get("values") or {}).items()
            },
            constants={str(k): str(v) for k, v in (data.get("constants") or {}).items()},
            timestamp_format=data.get("timestamp_format"),
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


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _field_sql(mapping: ColumnMapping, name: str, available: list[str]) -> str:
    column = mapping.columns.get(name)
    if column is not None and column in available:
        expression = f"nullif(trim(CAST({_quote(column)} AS VARCHAR)), '')"
    elif name in mapping.constants:
        expression = _literal(mapping.constants[name])
    else:
        return "CAST(NULL AS VARCHAR)"
    codes = mapping.values.get(name)
    if codes:
        cases = " ".join(f"WHEN {_literal(code)} THEN {_literal(target)}" for code, target in codes.items())
        expression = f"(CASE {expression} {cases} ELSE {expression} END)"
    if name in ("event.outcome", "user.type", "event.action", "service.name"):
        expression = f"lower({expression})"
    if name == "source.geo.country_iso_code":
        expression = f"upper({expression})"
    return expression


def _timestamp_sql(mapping: ColumnMapping, available: list[str], types: dict[str, str]) -> str:
    column = mapping.columns.get("@timestamp", "@timestamp")
    quoted = _quote(column)
    kind = types.get(column, "VARCHAR").upper()
    if kind.startswith("TIMESTAMP") or kind == "DATE":
        return f"CAST({quoted} AS TIMESTAMPTZ)"
    if mapping.timestamp_format:
        return f"CAST(try_strptime(CAST({quoted} AS VARCHAR), {_literal(mapping.timestamp_format)}) AS TIMESTAMPTZ)"
    return f"try_cast(CAST({quoted} AS VARCHAR) AS TIMESTAMPTZ)"


def normalise(
    connection: duckdb.DuckDBPyConnection,
    source_sql: str,
    mapping: ColumnMapping,
    file: str,
    timezone: str,
    raw_lines: Callable[[list[int]], dict[int, str]] | None = None,
) -> tuple[pa.Table, list[InputError]]:
    """Normalise the relation `source_sql` (which must carry a `__line` column) into the event table.

    Records whose timestamp, outcome, user type or action cannot be read are returned as quarantine
    errors, never silently dropped. The session zone decides stamps without an offset.
    `raw_lines(lines)`, when given, returns the original text of rejected lines.
    """
    connection.execute(f"SET TimeZone = {_literal(timezone)}")
    described = connection.execute(f"DESCRIBE SELECT * FROM ({source_sql})").fetchall()
    types = {row[0]: row[1] for row in described}
    available = [name for name in types if name != "__line"]
    mapping.check_columns(available, file)
    fields = {name: _field_sql(mapping, name, available) for name in MAPPABLE if name != "@timestamp"}
    outcomes = ", ".join(_literal(v) for v in OUTCOMES)
    user_types = ", ".join(_literal(v) for v in USER_TYPES)
    actions = ", ".join(_literal(v) for v in ACTIONS)
    problem = f"""CASE
        WHEN ts IS NULL THEN 'timestamp'
        WHEN event_outcome IS NULL OR event_outcome NOT IN ({outcomes}) THEN 'outcome'
        WHEN user_name IS NULL THEN 'user'
        WHEN user_type IS NOT NULL AND user_type NOT IN ({user_types}) THEN 'user_type'
        WHEN event_action NOT IN ({actions}) THEN 'action'
        ELSE NULL END"""
    file_literal = _literal(file)
    event_id_sql = f"{file_literal} || ':' || CAST(source_line AS VARCHAR)"
    # One pass: every row with its problem (NULL when fine); Arrow then splits good from rejected.
    mapped = connection.sql(
        f"""
        SELECT timezone('UTC', ts) AS "timestamp", event_outcome, event_action, user_name, user_type,
               source_ip, source_country, host_name, service_name, event_reason,
               {file_literal} AS source_file, source_line,
               {event_id_sql} AS event_id,
               {problem} AS __problem
        FROM (
          SELECT
            {_timestamp_sql(mapping, available, types)} AS ts,
            {fields["event.outcome"]} AS event_outcome,
            coalesce({fields["event.action"]}, {_literal(ACTION_LOGON)}) AS event_action,
            {fields["user.name"]} AS user_name,
            {fields["user.type"]} AS user_type,
            {fields["source.ip"]} AS source_ip,
            {fields["source.geo.country_iso_code"]} AS source_country,
            {fields["host.name"]} AS host_name,
            {fields["service.name"]} AS service_name,
            {fields["event.reason"]} AS event_reason,
            CAST(__line AS BIGINT) AS source_line
          FROM ({source_sql}))
        """
    ).to_arrow_table()
    fine = pc.is_null(mapped["__problem"])
    # Each row carries its own line; the order rows come back in does not matter.
    table = mapped.filter(fine).drop_columns(["__problem"])
    bad = mapped.filter(pc.invert(fine)).select(["source_line", "__problem"]).to_pylist()
    rejected = sorted((row["source_line"], row["__problem"]) for row in bad)
    raw_by_line: dict[int, str] = {}
    if rejected and raw_lines is not None:
        raw_by_line = raw_lines([line for line, _ in rejected])
    elif rejected:
        # The original values, only for the few rejected rows.
        lines = ", ".join(str(int(line)) for line, _ in rejected)
        for line, raw in connection.execute(
            f"SELECT __line, CAST({_src_struct(available)} AS VARCHAR) FROM ({source_sql}) WHERE __line IN ({lines})"
        ).fetchall():
            raw_by_line[int(line)] = raw
    errors = [
        _mapped_error(file, line, problem, raw_by_line.get(line), mapping) for line, problem in rejected
    ]
    return to_event_table(table), errors


def _src_struct(available: list[str]) -> str:
    return "struct_pack(" + ", ".join(f"{_quote(c)} := {_quote(c)}" for c in available) + ")"


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


def to_event_table(table: pa.Table) -> pa.Table:
    """Cast a query result onto the exact event schema (UTC-aware timestamps, column order)."""
    columns = []
    for schema_field in EVENT_SCHEMA:
        column = table.column(schema_field.name)
        if schema_field.name == "timestamp" and pa.types.is_timestamp(column.type) and column.type.tz is None:
            column = column.cast(pa.timestamp("us")).cast(pa.timestamp("us", tz="UTC"))
        columns.append(column.cast(schema_field.type))
    return pa.Table.from_arrays(columns, schema=EVENT_SCHEMA)
