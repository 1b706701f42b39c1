"""Public holidays and make-up workdays (補行上班日) for the off-hours test of SR-3.4 / SR-3.6.

A firm-editable CSV file, one date per line:

    date,kind,name_zh,name_en,source
    2026-02-17,holiday,春節,Lunar New Year,DGPA 2026
    2025-02-08,workday,補行上班（1月27日彈性放假）,Make-up workday for 27 January,DGPA 2025

`kind` is `holiday` (a day off: any use of a core system that day is off-hours) or `workday` (a weekend
day worked in exchange for a day off: office hours apply as on a weekday). `name_zh`, `name_en` and
`source` are for people. The default, `calendars/taiwan.csv`, holds Taiwan's 2025 and 2026 days off as the
DGPA (行政院人事行政總處) office calendars set them, plus Labour Day 2025 for employees under the Labor
Standards Act. Firms must add each new year (the DGPA publishes it in June of the year before) and their
own days; a run whose events fall in a year the calendar does not cover says so.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from zhengan.checks.logins.config import ConfigError

KINDS = ("holiday", "workday")
HOLIDAY, WORKDAY = KINDS
EPOCH_DAY = date(1970, 1, 1)


@dataclass(frozen=True)
class HolidayCalendar:
    source: str
    days: dict[date, str] = field(default_factory=dict)  # date -> holiday / workday
    names: dict[date, str] = field(default_factory=dict)  # date -> "中文 / English"

    @property
    def years(self) -> list[int]:
        return sorted({day.year for day in self.days})

    def day_numbers(self) -> tuple[list[int], list[str]]:
        """(days since 1970-01-01, kind) of every listed date, as the prepared events count local days."""
        ordered = sorted(self.days)
        return [(day - EPOCH_DAY).days for day in ordered], [self.days[day] for day in ordered]


def default_calendar() -> Path:
    return Path(str(resources.files(__package__) / "calendars" / "taiwan.csv"))


def load_calendar(path: Path | None = None) -> HolidayCalendar:
    """Read a calendar file; a bad line stops the run with its file, line and field."""
    path = path or default_calendar()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: 無法讀取假日檔 / cannot read the holiday calendar: {exc}") from exc
    reader = csv.DictReader(text.splitlines())
    missing = {"date", "kind"} - set(reader.fieldnames or [])
    if missing:
        raise ConfigError(
            f"{path}:1: 假日檔缺少欄位 {sorted(missing)} / holiday calendar lacks the columns {sorted(missing)}"
        )
    calendar = HolidayCalendar(source=str(path))
    for number, row in enumerate(reader, start=2):
        value, kind = (row.get("date") or "").strip(), (row.get("kind") or "").strip().lower()
        if not value and not kind:
            continue
        try:
            day = date.fromisoformat(value)
        except ValueError as exc:
            raise ConfigError(
                f"{path}:{number}: 欄位 date 不是 YYYY-MM-DD 日期 / field date is not a YYYY-MM-DD date: {value!r}"
            ) from exc
        if kind not in KINDS:
            raise ConfigError(
                f"{path}:{number}: 欄位 kind 須為 holiday 或 workday / field kind must be holiday or workday: "
                f"{kind!r}"
            )
        if day in calendar.days:
            raise ConfigError(f"{path}:{number}: 日期重複 / date listed twice: {day.isoformat()}")
        calendar.days[day] = kind
        names = [n for n in ((row.get("name_zh") or "").strip(), (row.get("name_en") or "").strip()) if n]
        calendar.names[day] = " / ".join(names)
    return calendar
