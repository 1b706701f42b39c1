"""The normalised login event, named after the Elastic Common Schema (ECS).

Inside the engines the columns use snake_case names (SQL-friendly on DuckDB and Spark alike); the
exported files use the ECS dotted names given in `ECS_NAMES`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

OUTCOMES = ("success", "failure", "unknown")
USER_TYPES = ("customer", "staff", "admin", "vendor", "service")
NON_CUSTOMER_TYPES = ("staff", "admin", "vendor", "service")
# event.action values the detections understand; readers map their own vocabulary onto these.
ACTION_LOGON = "logon"
ACTION_LOCKOUT = "lockout"
ACTION_CERT_APPLY = "certificate-apply"
ACTION_CERT_RENEW = "certificate-renew"
ACTION_PROFILE_CHANGE = "profile-change"
ACTIONS = (ACTION_LOGON, ACTION_LOCKOUT, ACTION_CERT_APPLY, ACTION_CERT_RENEW, ACTION_PROFILE_CHANGE)

# column -> ECS field name
ECS_NAMES: dict[str, str] = {
    "timestamp": "@timestamp",
    "event_outcome": "event.outcome",
    "event_action": "event.action",
    "user_name": "user.name",
    "user_type": "user.type",
    "source_ip": "source.ip",
    "source_country": "source.geo.country_iso_code",
    "host_name": "host.name",
    "service_name": "service.name",
    "event_reason": "event.reason",
    "source_file": "log.file.path",
    "source_line": "log.file.line",
    "event_id": "event.id",
}
COLUMN_FOR_ECS = {ecs: column for column, ecs in ECS_NAMES.items()}

EVENT_SCHEMA = pa.schema(
    [
        pa.field("timestamp", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("event_outcome", pa.string(), nullable=False),
        pa.field("event_action", pa.string(), nullable=False),
        pa.field("user_name", pa.string()),
        pa.field("user_type", pa.string()),
        pa.field("source_ip", pa.string()),
        pa.field("source_country", pa.string()),
        pa.field("host_name", pa.string()),
        pa.field("service_name", pa.string()),
        pa.field("event_reason", pa.string()),
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("source_line", pa.int64(), nullable=False),
        pa.field("event_id", pa.string(), nullable=False),
    ]
)
COLUMNS = tuple(EVENT_SCHEMA.names)
# An optional column beside EVENT_SCHEMA's: the type a reader gives accounts that neither the log nor the
# firm's `account_types` rules type (sshd and Windows logs: staff). `user_type` stays null for them, so
# the firm's rules come first (enrich._user_types); `ReadResult.events()` shows the fallback.
FALLBACK_TYPE = "user_type_fallback"


def event_id(source_file: str, line: int) -> str:
    """A stable, readable id: the source file and its line (or record number)."""
    return f"{source_file}:{line}"


class EventBuilder:
    """Collects events row by row (for the text-log readers) and hands back one Arrow table."""

    def __init__(self, source_file: str) -> None:
        self.source_file = source_file
        self._columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
        self._fallbacks: list[str | None] = []

    def __len__(self) -> int:
        return len(self._columns["event_id"])

    def add(
        self,
        *,
        line: int,
        timestamp: datetime,
        outcome: str,
        action: str = ACTION_LOGON,
        user_name: str | None = None,
        user_type: str | None = None,
        source_ip: str | None = None,
        source_country: str | None = None,
        host_name: str | None = None,
        service_name: str | None = None,
        reason: str | None = None,
        suffix: str = "",
        fallback_type: str | None = None,
    ) -> None:
        if timestamp.tzinfo is None:
            raise ValueError("naive timestamp / 時間未標示時區")
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        values = {
            "timestamp": timestamp.astimezone(UTC),
            "event_outcome": outcome,
            "event_action": action,
            "user_name": user_name,
            "user_type": user_type,
            "source_ip": source_ip,
            "source_country": source_country,
            "host_name": host_name,
            "service_name": service_name,
            "event_reason": reason,
            "source_file": self.source_file,
            "source_line": line,
            # "message repeated N times" expands one line into N events: the suffix keeps ids unique.
            "event_id": event_id(self.source_file, line) + suffix,
        }
        for name, value in values.items():
            self._columns[name].append(value)
        self._fallbacks.append(fallback_type)

    def table(self) -> pa.Table:
        table = pa.table(self._columns, schema=EVENT_SCHEMA)
        if any(value is not None for value in self._fallbacks):
            table = table.append_column(FALLBACK_TYPE, pa.array(self._fallbacks, pa.string()))
        return table


def empty_table() -> pa.Table:
    return EVENT_SCHEMA.empty_table()
