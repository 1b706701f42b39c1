"""One daily run: read every input, prepare the events, run the detections, collect the result.

`analyse()` returns an `Analysis` (alerts, summaries, the customer-notification list, the quarantined
records and the common `CheckResult` citing control ids); `outputs.write_outputs` keeps it on disk.
"""

from __future__ import annotations

import gc
import hashlib
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
from pyarrow import ArrowException

from zhengan.checks.logins import database, readers
from zhengan.checks.logins.blacklist import blacklist_table, read_blacklist
from zhengan.checks.logins.config import LoginConfig
from zhengan.checks.logins.engines import ENGINES, TOP_LISTS, top_failures_sql
from zhengan.checks.logins.enrich import PreparedEvents, event_period, prepare, years_between
from zhengan.checks.logins.holidays import HolidayCalendar, load_calendar
from zhengan.checks.logins.readers.base import ReadOptions, ReadResult, bad_record
from zhengan.checks.logins.readers.mapping import MappingError
from zhengan.checks.logins.rules import Detection, load_detections, parameters, shared_parameters
from zhengan.checks.logins.schema import empty_table
from zhengan.checks.result import (
    CheckResult,
    InputError,
    InputFile,
    Observation,
    Severity,
    SourceRef,
    Status,
    sha256_file,
)
from zhengan.text import Text
from zhengan.timeutil import format_taipei

CHECK = "logins"
TITLE = Text(zh="每日登入紀錄異常監控", en="Daily login-anomaly monitoring")
Progress = Callable[[str, int, int], None]


@dataclass
class InputSummary:
    path: str
    format: str
    records: int
    events: int
    quarantined: int
    skipped: int


@dataclass
class Analysis:
    result: CheckResult
    alerts: list[dict[str, Any]]
    summaries: list[dict[str, Any]]
    notifications: list[dict[str, Any]]  # one row per customer (CC17010-11)
    notification_records: list[dict[str, Any]]  # the rows of the notification-kind detections
    quarantine: list[InputError]
    inputs: list[InputSummary]
    counts: dict[str, dict[str, int]]  # detection id -> {"rows": n, "alerts": n}
    top_sources: list[tuple[str, int, int]]  # ip, failures, accounts
    top_accounts: list[tuple[str, int, int]]  # account, failures, sources
    events: int
    # the first and last event's instant (UTC); None when there were none
    period: tuple[datetime, datetime] | None = None
    notes: list[Text] = field(default_factory=list)
    detections: list[Detection] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    # seconds per stage (read, prepare, detect) and per detection query (by detection id, DuckDB only)
    timings: dict[str, float] = field(default_factory=dict)


def read_inputs(
    paths: list[Path], options: ReadOptions, format: str | None = None, progress: Progress | None = None
) -> tuple[list[ReadResult], list[InputError], list[Text], list[InputSummary]]:
    results, errors, notes, summaries = [], [], [], []
    for index, path in enumerate(paths):
        if progress:
            progress(f"讀取 reading {path.name}", index, len(paths))
        try:
            chosen, result = readers.read(path, options, format)
        except (readers.UnknownFormat, MappingError):
            raise  # the firm's declaration (format, column mapping) is wrong: the run stops, exit 2
        except (OSError, UnicodeError, ArrowException, duckdb.Error) as exc:
            # A file that cannot be read at all (damaged, unreadable) is quarantined whole and named; the
            # other inputs of the day are still analysed.
            chosen, result = format or "?", _unreadable(path, exc)
        results.append(result)
        errors.extend(result.errors)
        notes.extend(result.notes)
        summaries.append(
            InputSummary(
                str(path), chosen, result.records, result.table.num_rows, len(result.errors), result.skipped
            )
        )
    if progress:
        progress("讀取完成 read", len(paths), len(paths))
    return results, errors, notes, summaries


def _unreadable(path: Path, exc: Exception) -> ReadResult:
    reason = " ".join(str(exc).split())[:500] or type(exc).__name__
    error = bad_record(str(path), None, f"檔案無法讀取：{reason}", f"file cannot be read: {reason}", None)
    return ReadResult(table=empty_table(), errors=[error], records=0)


def distinct_inputs(paths: list[Path]) -> tuple[list[Path], list[Text]]:
    """The inputs without repeats: a file named twice, or two files with the same bytes (a rotated log
    copied twice), is analysed once, or its attempts would count twice; a note names what was left out."""
    kept: list[Path] = []
    notes: list[Text] = []
    by_content: dict[tuple[int, str], Path] = {}
    seen: dict[Path, Path] = {}
    sizes: dict[int, int] = {}
    for path in paths:
        sizes[path.stat().st_size] = sizes.get(path.stat().st_size, 0) + 1
    for path in paths:
        resolved = path.resolve()
        first = seen.get(resolved)
        if first is None and sizes[path.stat().st_size] > 1:
            key = (path.stat().st_size, sha256_file(path))
            first = by_content.setdefault(key, path)
            first = None if first is path else first
        if first is not None:
            notes.append(
                Text(
                    zh=f"{path} 與 {first} 內容相同，只分析一次",
                    en=f"{path} has the same content as {first}: analysed once",
                )
            )
            continue
        seen[resolved] = path
        kept.append(path)
    return kept, notes


def analyse(
    paths: list[Path],
    config: LoginConfig | None = None,
    options: ReadOptions | None = None,
    format: str | None = None,
    engine: str = "duckdb",
    spark_master: str = "local[2]",
    spark_session=None,
    progress: Progress | None = None,
) -> Analysis:
    """One daily run over `paths` (see the module docstring); `engine` is duckdb or spark."""
    # The run builds many small dicts and lists (one per result row); Python's cyclic collector would
    # walk them again and again for nothing (they hold no cycles). It is paused for the run only.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _analyse(paths, config, options, format, engine, spark_master, spark_session, progress)
    finally:
        if collecting:
            gc.enable()


def _analyse(
    paths: list[Path],
    config: LoginConfig | None = None,
    options: ReadOptions | None = None,
    format: str | None = None,
    engine: str = "duckdb",
    spark_master: str = "local[2]",
    spark_session=None,
    progress: Progress | None = None,
) -> Analysis:
    if engine not in ENGINES:
        raise ValueError(f"未知的引擎 / unknown engine {engine!r}; one of {list(ENGINES)}")
    config = config or LoginConfig()
    options = options or ReadOptions()
    paths, repeated = distinct_inputs(paths)
    started = datetime.now(UTC)
    detections = load_detections()
    chosen = [(d, parameters(d, config)) for d in detections if config.settings(d.id).enabled]
    shared = shared_parameters(config)
    calendar = load_calendar(config.holiday_calendar) if config.office_hours.public_holidays else None
    # The inputs' SHA-256 (kept in the record) is worked out beside the analysis: hashing releases the GIL.
    hashing = ThreadPoolExecutor(max_workers=1)
    digests = {path: hashing.submit(sha256_file, path) for path in [*paths, *config.blacklists]}
    hashing.shutdown(wait=False)
    timings: dict[str, float] = {}
    entries, blacklist_errors = [], []
    for blacklist in config.blacklists:
        listed = read_blacklist(blacklist)
        entries.extend(listed.entries)
        blacklist_errors.extend(listed.errors)
        if listed.bounded:
            repeated.append(
                Text(
                    zh=f"{blacklist}：{len(listed.bounded)} 筆 STIX 指標有有效期間（valid_from／valid_until），"
                    "僅比對發生於期間內的事件",
                    en=f"{blacklist}: {len(listed.bounded)} STIX indicators carry a validity (valid_from / "
                    "valid_until) and match only events within it",
                )
            )
    run = _Run(
        paths, config, options, format, engine, spark_master, spark_session, progress, calendar,
        chosen, shared, blacklist_table(entries), timings,
    )  # fmt: skip
    # Spark reads and prepares Parquet, CSV and JSON-lines inputs itself (the driver never holds the
    # events); other inputs, and those Spark would not read exactly as the driver's readers do, are read
    # and prepared here, in Arrow, and the prepared events shipped to the engine.
    prepared_on, declined = "driver", None
    outcome = None
    if engine == "spark":
        from zhengan.checks.logins.engines import spark_prepare, spark_sources

        if spark_prepare.applicable(paths, options, format):
            try:
                outcome, prepared_on = _spark_prepared(run), "spark"
            except spark_sources.NotAsOnTheDriver as exc:
                declined = str(exc)  # found on the way (a blank line, bytes not UTF-8, ...)
    if outcome is None:
        outcome = _driver_prepared(run)
    rows, top_sources, top_accounts = outcome.rows, outcome.top_sources, outcome.top_accounts
    errors = outcome.errors + blacklist_errors
    notes, summaries = repeated + outcome.notes, outcome.summaries
    if calendar is not None and outcome.period:
        notes.extend(
            _calendar_notes(calendar, years_between(*outcome.period, config.utc_offset_hours * 3600))
        )
    if outcome.count == 0:
        # A daily control over an empty day is more likely a broken feed than a quiet one (SR-3.6).
        notes.append(
            Text(
                zh="本次沒有任何登入事件：請確認日誌來源是否正常匯出",
                en="no login events at all: check that the log sources were exported",
            )
        )
    if progress:
        progress("偵測完成 detected", 1, 1)

    alerts, summaries_rows, notification_rows, counts = [], [], [], {}
    for detection, values in chosen:
        found = rows[detection.id]
        records = [_record(detection, values, row) for row in found]
        counts[detection.id] = {"rows": len(records), "alerts": sum(r["notable"] for r in records)}
        if detection.kind == "alert":
            alerts.extend(records)
        elif detection.kind == "summary":
            summaries_rows.extend(records)
            alerts.extend(r for r in records if r["notable"])
        else:
            notification_rows.extend(records)
    notifications = _notifications(alerts + notification_rows, {d.id: d for d, _ in chosen})
    run_parameters = {
        "engine": engine,
        "prepared_on": prepared_on,
        "spark_declined": declined,
        "format": format or "auto",
        "timezone_for_stamps_without_offset": options.timezone,
        "declared_year": options.year,
        "period": _period_parameter(outcome.period),
        "config": config.model_dump(mode="json"),
        "thresholds": {
            d.id: {k: v for k, v in values.items() if k in d.thresholds or k == "window_seconds"}
            for d, values in chosen
        },
        "detections_disabled": [d.id for d in detections if not config.settings(d.id).enabled],
        "holiday_calendar": {"file": calendar.source, "years": calendar.years} if calendar else None,
    }
    files = [
        InputFile(path=s.path, sha256=digests[Path(s.path)].result(), format=s.format) for s in summaries
    ]
    files += [
        InputFile(path=str(b), sha256=digests[b].result(), format="blacklist") for b in config.blacklists
    ]
    result = CheckResult(
        check=CHECK, title=TITLE, started_at=started, parameters=run_parameters, inputs=files
    )
    result.observations = _observations(chosen, alerts, summaries_rows, notification_rows, counts)
    result.errors = errors
    result.quarantined = len(errors)
    result.finish()
    return Analysis(
        result=result,
        alerts=sorted(alerts, key=lambda a: (a["detection"], a["subject"])),
        summaries=summaries_rows,
        notifications=notifications,
        notification_records=notification_rows,
        quarantine=errors,
        inputs=summaries,
        counts=counts,
        top_sources=top_sources,
        top_accounts=top_accounts,
        events=outcome.count,
        period=tuple(_moment(epoch) for epoch in outcome.period) if outcome.period else None,
        notes=notes,
        detections=[d for d, _ in chosen],
        parameters=run_parameters,
        timings=timings,
    )


@dataclass
class _Run:
    """What both ways of preparing the events need from `_analyse`."""

    paths: list[Path]
    config: LoginConfig
    options: ReadOptions
    format: str | None
    engine: str
    spark_master: str
    spark_session: Any
    progress: Progress | None
    calendar: HolidayCalendar | None
    chosen: list[tuple[Detection, dict[str, Any]]]
    shared: dict[str, Any]
    blacklist: Any  # blacklist.blacklist_table of every entry
    timings: dict[str, float]


@dataclass
class _Found:
    """What a way of preparing the events and running the detections returns."""

    rows: dict[str, list[dict[str, Any]]]
    top_sources: list
    top_accounts: list
    count: int
    errors: list[InputError]  # the inputs' quarantine (the blacklists' is added by the caller)
    notes: list[Text]
    summaries: list[InputSummary]
    period: tuple[int, int] | None  # the first and last event (UTC epoch seconds)


def _spark_prepared(run: _Run) -> _Found:
    """Spark reads, prepares and detects (every input Parquet, CSV or JSON lines)."""
    from zhengan.checks.logins.engines import spark_prepare

    clock = time.perf_counter()
    if run.progress:
        run.progress(f"讀取、整理與偵測 reading, preparing and detecting ({run.engine})", 0, 1)
    ran = spark_prepare.run(
        run.paths,
        run.options,
        run.config,
        run.calendar,
        run.blacklist,
        run.chosen,
        run.shared,
        spark=run.spark_session,
        master=run.spark_master,
        format=run.format,
    )
    run.timings["detect"] = time.perf_counter() - clock
    summaries = [InputSummary(i.path, i.format, i.records, i.events, i.quarantined, 0) for i in ran.inputs]
    return _Found(
        ran.rows,
        ran.top_sources,
        ran.top_accounts,
        ran.count,
        ran.errors,
        ran.notes,
        summaries,
        ran.period,
    )


def _driver_prepared(run: _Run) -> _Found:
    """Read and prepare on this machine (Arrow), then run the detections on the engine."""
    clock = time.perf_counter()
    results, errors, notes, summaries = read_inputs(run.paths, run.options, run.format, run.progress)
    run.timings["read"] = time.perf_counter() - clock
    if run.progress:
        run.progress("整理事件 preparing events", 0, 1)
    clock = time.perf_counter()
    prepared = prepare(results, run.config, run.calendar)
    del results  # the prepared table holds what the detections need
    notes.extend(prepared.notes)
    period = event_period(prepared)
    run.timings["prepare"] = time.perf_counter() - clock
    clock = time.perf_counter()
    if run.progress:
        run.progress(f"偵測 detecting ({run.engine})", 0, 1)
    top: dict[str, tuple[list, list]] = {}
    if run.engine == "duckdb":
        from zhengan.checks.logins.engines import duckdb_engine

        # the top lists come from the engine's unusual events (every failure) rather than a scan of all
        rows = duckdb_engine.run(
            prepared,
            run.blacklist,
            run.chosen,
            run.shared,
            timings=run.timings,
            on_unusual=lambda connection: top.update(lists=_top_lists(connection, "unusual")),
        )
    else:
        from zhengan.checks.logins.engines import spark_engine

        rows = spark_engine.run(
            prepared, run.blacklist, run.chosen, run.shared, spark=run.spark_session, master=run.spark_master
        )
    run.timings["detect"] = time.perf_counter() - clock
    top_sources, top_accounts = top["lists"] if run.engine == "duckdb" else _top(prepared)
    return _Found(rows, top_sources, top_accounts, prepared.count, errors, notes, summaries, period)


def _period_parameter(period: tuple[int, int] | None) -> dict[str, str] | None:
    """The period the events cover, kept with the run's parameters (UTC, and as shown in Asia/Taipei)."""
    if period is None:
        return None
    (first, first_taipei), (last, last_taipei) = (_times(epoch) for epoch in period)
    return {
        "first_event": first,
        "last_event": last,
        "first_event_taipei": first_taipei,
        "last_event_taipei": last_taipei,
    }


def _calendar_notes(calendar, years: set[int]) -> list[Text]:
    """SR-3.4: say when events fall in a year the holiday calendar does not list (it must be kept yearly)."""
    outside = sorted(years - set(calendar.years))
    if not outside:
        return []
    listed = ", ".join(str(y) for y in calendar.years) or "-"
    missing = ", ".join(str(y) for y in outside)
    return [
        Text(
            zh=f"假日檔 {calendar.source} 只含 {listed} 年；{missing} 年的國定假日未能判定為非上班時段，請每年更新假日檔",
            en=f"the holiday calendar {calendar.source} lists {listed} only; public holidays of {missing} are not "
            "recognised as off-hours: update the calendar every year",
        )
    ]


_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _alert_id(*parts: Any) -> str:
    """`result.fingerprint(*parts)[:20]`, with one JSON encoder for the whole run rather than one per call."""
    return hashlib.sha256(_CANONICAL.encode([str(p) for p in parts]).encode("utf-8")).hexdigest()[:20]


@lru_cache(maxsize=1024)
def _source(file: str) -> SourceRef:
    return SourceRef(file=file)  # frozen: one per input file is shared by its observations


def _moment(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@lru_cache(maxsize=65536)
def _times(epoch: int) -> tuple[str, str]:
    """An instant as ISO 8601 UTC and as shown in Asia/Taipei (results share many instants)."""
    moment = _moment(epoch)
    return moment.isoformat(), format_taipei(moment)


def _record(detection: Detection, values: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    (first, first_taipei), (last, last_taipei) = _times(row["first_epoch"]), _times(row["last_epoch"])
    subject = row["subject"]
    if detection.id == "logins.mass_failures":
        subject = f"window {format_taipei(_moment(int(subject.split()[-1])))}"
    elif detection.id == "logins.non_customer_daily":
        account, day = subject.rsplit(" ", 1)
        subject = f"{account} {_moment(int(day) * 86400).date().isoformat()}"
    return {
        "alert_id": _alert_id(detection.id, subject, row["first_epoch"]),
        "detection": detection.id,
        "kind": detection.kind,
        "notable": row["notable"],
        "severity": detection.severity.value if row["notable"] else Severity.INFO.value,
        "title_zh": detection.title.zh,
        "title_en": detection.title.en,
        "control_ids": list(detection.control_ids),
        "subject": subject,
        "first_seen": first,
        "last_seen": last,
        "first_seen_taipei": first_taipei,
        "last_seen_taipei": last_taipei,
        "observed": row["observed"],
        "thresholds": {k: v for k, v in values.items() if k in detection.thresholds},
        "detail": row["detail"],
        "user_names": row["user_names"],
        "customer_names": row["customer_names"],
        "source_ips": row["source_ips"],
        "event_count": row["event_count"],
        "event_ids": row["event_ids"],
    }


def _notifications(records: list[dict[str, Any]], detections: dict[str, Detection]) -> list[dict[str, Any]]:
    """CC17010-11: each customer with wrong passwords or lockout, certificate events, profile changes or
    logins from abnormal sources, with the reasons, for the firm's notification system."""
    by_customer: dict[str, dict[str, Any]] = {}
    cited = {
        d.id: {c for c in d.control_ids if c.startswith(("CC17010-11.", "CC17010-12."))} | {"CC17010-11"}
        for d in detections.values()
    }
    for record in records:
        detection = detections[record["detection"]]
        if not detection.notify_customers:
            continue
        for customer in record["customer_names"]:
            entry = by_customer.get(customer)
            if entry is None:
                entry = by_customer[customer] = {
                    "customer": customer,
                    "detections": [],
                    "reasons_zh": [],
                    "reasons_en": [],
                    "control_ids": set(),
                    "first_seen": record["first_seen"],
                    "last_seen": record["last_seen"],
                    # stored in UTC, shown in Asia/Taipei (taken from the record, already formatted)
                    "first_seen_taipei": record["first_seen_taipei"],
                    "last_seen_taipei": record["last_seen_taipei"],
                    "event_ids": set(),
                }
            if detection.id not in entry["detections"]:
                entry["detections"].append(detection.id)
                entry["reasons_zh"].append(detection.title.zh)
                entry["reasons_en"].append(detection.title.en)
            entry["control_ids"] |= cited[detection.id]
            if record["first_seen"] < entry["first_seen"]:  # ISO 8601 UTC strings order as instants
                entry["first_seen"], entry["first_seen_taipei"] = (
                    record["first_seen"],
                    record["first_seen_taipei"],
                )
            if record["last_seen"] > entry["last_seen"]:
                entry["last_seen"], entry["last_seen_taipei"] = (
                    record["last_seen"],
                    record["last_seen_taipei"],
                )
            entry["event_ids"].update(record["event_ids"])
    notifications = [by_customer[k] for k in sorted(by_customer)]
    for entry in notifications:
        entry["control_ids"] = sorted(entry["control_ids"])
        entry["event_ids"] = sorted(entry["event_ids"])
    return notifications


def _top(prepared: PreparedEvents, limit: int = 10) -> tuple[list, list]:
    """The sources and accounts with the most failures (ties by name), for the daily report."""
    with database.connection() as connection:
        connection.register("events", prepared.events)
        return _top_lists(connection, "events", limit)


def _top_lists(connection, table: str, limit: int = 10) -> tuple[list, list]:
    """`_top` from `table` (`events`, or the DuckDB engine's `unusual` events, which hold every failure)."""
    sources, accounts = (
        [
            (r[0], int(r[1]), int(r[2]))
            for r in connection.execute(top_failures_sql(table, key, other, limit)).fetchall()
        ]
        for key, other in TOP_LISTS
    )
    return sources, accounts


def _observations(chosen, alerts, summaries, notifications, counts) -> list[Observation]:
    observations = []
    for detection, _values in chosen:
        count = counts[detection.id]
        observations.append(
            Observation(
                rule=f"{detection.id}.run",
                status=Status.INFO,
                control_ids=list(detection.control_ids),
                title=detection.title,
                subject=detection.id,
                message=Text(
                    zh=f"已執行「{detection.title.zh}」：{count['rows']} 筆結果，其中 {count['alerts']} 筆需處理",
                    en=f"Ran '{detection.title.en}': {count['rows']} rows, {count['alerts']} needing attention",
                ),
                found=count,
            )
        )
    titles: dict[str, Text] = {}
    # Built from the detections' own data, already valid: copied from a template without re-validation
    # (a day can hold tens of thousands of records).
    template = Observation(
        rule="logins", status=Status.INFO, control_ids=["CC17010-11"], title=TITLE, subject="-", message=TITLE
    )
    for record in alerts + [s for s in summaries if not s["notable"]] + notifications:
        title = titles.get(record["detection"])
        if title is None:
            title = titles[record["detection"]] = Text(zh=record["title_zh"], en=record["title_en"])
        message = TITLE.model_copy(
            update={
                "zh": f"{record['title_zh']}：{record['subject']}，觀察值 {record['observed']}，"
                f"{record['first_seen_taipei']} 至 {record['last_seen_taipei']}，事件 {record['event_count']} 筆",
                "en": f"{record['title_en']}: {record['subject']}, observed {record['observed']}, "
                f"{record['first_seen_taipei']} to {record['last_seen_taipei']}, {record['event_count']} event{'' if record['event_count'] == 1 else 's'}",
            }
        )
        observations.append(
            template.model_copy(
                update={
                    "rule": record["detection"],
                    "status": Status.WARN
                    if record["notable"] and record["kind"] != "notification"
                    else Status.INFO,
                    "control_ids": list(dict.fromkeys(record["control_ids"])),
                    "title": title,
                    "subject": record["subject"],
                    "message": message,
                    "severity": Severity(record["severity"]),
                    "found": record["observed"],
                    "required": record["thresholds"] or None,
                    "source": _source(record["event_ids"][0].rsplit(":", 1)[0])
                    if record["event_ids"]
                    else None,
                    "details": {
                        k: record[k]
                        for k in (
                            "detail",
                            "user_names",
                            "source_ips",
                            "event_ids",
                            "first_seen",
                            "last_seen",
                        )
                    },
                    "fingerprint": record["alert_id"],
                }
            )
        )
    return observations
