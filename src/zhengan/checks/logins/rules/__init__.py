"""The detections: one small YAML file each (id, bilingual title, control ids, thresholds with their
defaults and references, and the query). The query is written once in the SQL that DuckDB and Spark
share; `{name}` placeholders are filled from the thresholds, the firm's configuration and the engine's
dialect (`engines/*.py`, `DIALECT`). Where an engine needs different SQL, the file carries
`sql_<engine>` beside `sql`, so the difference lives in the detection's own file.

Every query reads the prepared events (`enrich.py`; `rid` is an event's integer key) and, where it needs
more about a source address than its text, the `addresses` table (one row per distinct address: `ip_no`,
`source_ip`, `ip_key`, `country`, `trusted`); it returns one row per alert with the columns in
`ALERT_COLUMNS`, naming the events behind it by `rid` (the engine turns those into `file:line` ids).

Before the detections each engine builds, from the same SQL and once per run, the tables of
`SHARED_TABLES` and `EVENT_SUBSETS`: `listed` (the addresses in a blacklist, with the entries they match)
and `unusual` (every event that a detection other than the "all successes" ones could need: failures,
actions other than a logon, non-customer or untyped accounts, sources located abroad or listed). An ordinary day is almost all customers'
successful logons from home, so `unusual` holds a few per cent of `events`, and most detections scan it
instead of every event. Only the detections that need every success ("one IP, many accounts", "one
account, many countries", the successes after failures) read `events`, each first narrowing it to the
keys that could pass its threshold. `calendar` (`local_day`, `day_kind`) lists the holiday calendar's
days, for the firm's local time that `non_customer_daily` works out itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from zhengan.checks.logins.config import ConfigError, LoginConfig
from zhengan.checks.result import Severity
from zhengan.text import Text

ALERT_COLUMNS = (
    "subject",
    "user_names",
    "customer_names",
    "source_ips",
    "first_epoch",
    "last_epoch",
    "event_count",
    "event_rids",
    "observed",
    "detail",
    "notable",
)
KINDS = ("alert", "summary", "notification")
# The prepared columns the queries may use; engines load only these (less to copy, less to ship).
QUERY_COLUMNS = (
    "rid",
    "event_outcome",
    "event_action",
    "user_name",
    "user_type",
    "source_ip",
    "ip_no",
    "service_name",
    "epoch",
    "country",
    "trusted",
    "is_core",
)

# Built by both engines, in this order, before the detections (see the module docstring); `{name}`
# placeholders are filled from `shared_parameters`. A table of SHARED_TABLES holds what its query returns;
# one of EVENT_SUBSETS holds every column of the events whose `rid` its query returns (DuckDB takes those
# rows from the Arrow table, cheaper than converting every column of every event to filter them).
SHARED_TABLES = (
    (
        "listed",
        """SELECT a.ip_no, b.list_source, b.network, b.valid_from, b.valid_until
           FROM addresses a JOIN blacklist b ON a.ip_key >= b.range_start AND a.ip_key <= b.range_end
           WHERE a.ip_key IS NOT NULL""",
    ),
)
EVENT_SUBSETS = (
    (
        "unusual",
        """SELECT e.rid FROM events e
           LEFT JOIN (SELECT DISTINCT ip_no FROM listed) l ON l.ip_no = e.ip_no
           WHERE e.event_outcome <> 'success' OR e.event_action <> 'logon'
              OR e.user_type IS NULL OR e.user_type <> 'customer'
              OR (e.country IS NOT NULL AND e.country <> '{home_country}')
              OR l.ip_no IS NOT NULL""",
    ),
)

# The windowed detections (`window_seconds`) look at the window of that length ending at each event,
# [t - window_seconds, t], bounds included: every set of events that fits within window_seconds lies in the
# window ending at its last event, so the highest count over those windows is exact. Two fragments, the
# same SQL on both engines, are filled in as `{distinct_in_window}` and `{merge_windows}`.
#
# `{distinct_in_window}` reads `seen` (k, member, epoch) and gives `counted` (k, epoch, n, starts): n is the
# number of distinct members of k with an event in the window ending at epoch (starts = 1 where some event
# is at that second: only those are windows to ask). A member stays in the windows ending from its event t
# until, not including, its next event or t + window_seconds + 1 (epochs are whole seconds), so a running
# sum of +1 at each stay's start and -1 at its end, taken after every change at one second, is the count.
DISTINCT_IN_WINDOW = """stays AS (
    SELECT k, epoch, least(
      coalesce(lead(epoch) OVER (PARTITION BY k, member ORDER BY epoch), epoch + {window_seconds} + 1),
      epoch + {window_seconds} + 1) AS leaves
    FROM (SELECT DISTINCT k, member, epoch FROM seen) d
  ), steps AS (
    SELECT k, epoch AS moment, 1 AS step FROM stays
    UNION ALL
    SELECT k, leaves AS moment, -1 AS step FROM stays
  ), changes AS (
    SELECT k, moment, sum(step) AS step, max(step) AS starts FROM steps GROUP BY k, moment
  ), counted AS (
    SELECT k, moment AS epoch, starts,
      sum(step) OVER (PARTITION BY k ORDER BY moment ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n
    FROM changes
  )"""
# `{merge_windows}` reads `qualifying` (k, start_epoch, end_epoch, n: each window that reaches the
# threshold) and gives `spans` (k, island, start_epoch, end_epoch, observed): one per maximal run of
# overlapping (or touching) qualifying windows of one key, observed the highest n in it. Each becomes one
# alert, whose evidence is the key's events inside the span: every one of them lies in a qualifying window,
# and two spans of one key never share an event.
MERGE_WINDOWS = """ordered AS (
    SELECT k, start_epoch, end_epoch, n, max(end_epoch) OVER (
      PARTITION BY k ORDER BY start_epoch, end_epoch ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS reach
    FROM qualifying
  ), islands AS (
    SELECT k, start_epoch, end_epoch, n, sum(CASE WHEN reach IS NULL OR start_epoch > reach THEN 1 ELSE 0 END)
      OVER (PARTITION BY k ORDER BY start_epoch, end_epoch ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
      AS island
    FROM ordered
  ), spans AS (
    SELECT k, island, min(start_epoch) AS start_epoch, max(end_epoch) AS end_epoch, max(n) AS observed
    FROM islands GROUP BY k, island
  )"""


@dataclass(frozen=True)
class Detection:
    id: str
    kind: str  # alert: an anomaly; summary: a record kept daily (notable rows are alerts); notification
    title: Text
    description: Text
    control_ids: tuple[str, ...]
    severity: Severity
    notify_customers: bool
    thresholds: dict[str, Any]
    references: tuple[str, ...]
    sql: str
    sql_by_engine: dict[str, str] = field(default_factory=dict)

    def query(self, engine: str, parameters: dict[str, Any], dialect: dict[str, str]) -> str:
        template = self.sql_by_engine.get(engine, self.sql)
        return template.format(**dialect, **parameters)


def load_detections() -> list[Detection]:
    return list(_detections())


@lru_cache(maxsize=1)
def _detections() -> tuple[Detection, ...]:
    """The packaged detection files, read once per process (they do not change while it runs)."""
    folder = resources.files(__package__)
    detections = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        detections.append(
            Detection(
                id=data["id"],
                kind=data["kind"],
                title=Text(**data["title"]),
                description=Text(**data["description"]),
                control_ids=tuple(data["control_ids"]),
                severity=Severity(data["severity"]),
                notify_customers=bool(data.get("notify_customers")),
                thresholds=dict(data.get("thresholds") or {}),
                references=tuple(data.get("references") or ()),
                sql=data["sql"],
                sql_by_engine={k[4:]: v for k, v in data.items() if k.startswith("sql_")},
            )
        )
    return tuple(detections)


def parameters(detection: Detection, config: LoginConfig) -> dict[str, Any]:
    """The thresholds (defaults overridden by the firm's file) and the firm-wide values a query uses."""
    settings = config.settings(detection.id)
    overrides = {k: v for k, v in (settings.model_extra or {}).items()}
    unknown = set(overrides) - set(detection.thresholds)
    if unknown:
        raise ConfigError(
            f"{detection.id}: 不認得的門檻 / unknown thresholds {sorted(unknown)}; "
            f"known: {sorted(detection.thresholds)}"
        )
    values: dict[str, Any] = {**detection.thresholds, **overrides}
    for name, value in values.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ConfigError(
                f"{detection.id}.{name}: 必須為非負數 / must be a non-negative number, got {value!r}"
            )
    if "window_seconds" in values:
        if values["window_seconds"] < 2:
            raise ConfigError(f"{detection.id}.window_seconds: 至少 2 秒 / must be at least 2")
        values["distinct_in_window"] = DISTINCT_IN_WINDOW.format(window_seconds=int(values["window_seconds"]))
        values["merge_windows"] = MERGE_WINDOWS
    channels = config.domestic_only_channels or ["\u0000none"]
    values.update(
        shared_parameters(config),
        domestic_only_channels=", ".join(f"'{_plain(c.lower())}'" for c in channels),
        office_start=config.office_hours.start,
        office_end=config.office_hours.end,
        # SR-3.4: weekends (unless a make-up workday) and public holidays are outside office hours
        weekend_clause="OR (local_dow IN (0, 6) AND coalesce(day_kind, '') <> 'workday')"
        if config.office_hours.weekdays_only
        else "",
        holiday_clause="OR day_kind = 'holiday'" if config.office_hours.public_holidays else "",
        off_hours_exempt=", ".join(
            f"'{_plain(t)}'" for t in (config.office_hours.exempt_user_types or ["\u0000none"])
        ),
    )
    return values


def shared_parameters(config: LoginConfig) -> dict[str, Any]:
    """The firm-wide values of the shared tables (and of every detection)."""
    return {
        "home_country": _plain(config.home_country),
        "utc_offset_seconds": int(config.utc_offset_hours) * 3600,
    }


def _plain(value: str) -> str:
    if "'" in value or "\\" in value:
        raise ConfigError(f"設定值不得含引號 / configuration value must not contain quotes: {value!r}")
    return value
