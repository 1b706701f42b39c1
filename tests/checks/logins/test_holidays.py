"""SR-3.4 / SR-3.6 off-hours use: Taiwan's public holidays are days off, make-up workdays (補行上班日) are
working days; the calendar is a firm-editable file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from zhengan.checks.logins.analyse import analyse
from zhengan.checks.logins.config import ConfigError, LoginConfig
from zhengan.checks.logins.holidays import HOLIDAY, WORKDAY, default_calendar, load_calendar

HEADER = "@timestamp,event.outcome,user.name,user.type,source.ip,host.name,service.name\n"


def staff_day(path: Path, *stamps: str) -> Path:
    """One successful staff login at each local stamp (Asia/Taipei), on a core system."""
    lines = [
        f"{stamp}+08:00,success,staff{n:04d},staff,10.20.0.{n},core-db-01,staff\n"
        for n, stamp in enumerate(stamps, start=1)
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def highlighted(analysis) -> dict[str, bool]:
    return {s["subject"]: s["notable"] for s in analysis.summaries}


def test_default_calendar_holds_the_dgpa_days():
    calendar = load_calendar()
    assert calendar.years == [2025, 2026]
    # counted by hand from the DGPA calendars: 2025 revised (15 weekday days off, one make-up Saturday)
    # plus Labour Day for private employees; 2026 (16 weekday days off, no make-up day)
    by_year = {
        year: sorted(kind for day, kind in calendar.days.items() if day.year == year) for year in (2025, 2026)
    }
    assert by_year[2025] == [HOLIDAY] * 16 + [WORKDAY]
    assert by_year[2026] == [HOLIDAY] * 16
    assert calendar.days[date(2025, 2, 8)] == WORKDAY  # Saturday worked for the 27 January day off
    assert calendar.days[date(2026, 2, 20)] == HOLIDAY  # observed day before New Year's Eve
    assert calendar.days[date(2026, 10, 9)] == HOLIDAY  # National Day observed (10 October a Saturday)
    assert all(
        day.weekday() < 5 for day, kind in calendar.days.items() if kind == HOLIDAY
    )  # days off listed only where they fall on a weekday
    assert (
        "春節" in calendar.names[date(2026, 2, 17)] and "Lunar New Year" in calendar.names[date(2026, 2, 17)]
    )


def test_holidays_are_off_hours_and_make_up_workdays_are_not(tmp_path: Path):
    path = staff_day(
        tmp_path / "staff.csv",
        "2026-02-17 10:00:00",  # Tuesday, Lunar New Year: a day off
        "2025-02-08 10:00:00",  # Saturday, make-up workday: office hours apply
        "2026-02-23 10:00:00",  # Monday, an ordinary working day
        "2026-02-21 10:00:00",  # Saturday, inside the New Year break: weekend
        "2025-02-08 20:00:00",  # make-up workday, but after office hours
    )
    config = LoginConfig(core_hosts=["core-db-01"])
    assert highlighted(analyse([path], config)) == {
        "staff0001 2026-02-17": True,
        "staff0002 2025-02-08": False,
        "staff0003 2026-02-23": False,
        "staff0004 2026-02-21": True,
        "staff0005 2025-02-08": True,
    }
    # without the calendar: weekdays only (the old rule), so the holiday passes and the Saturday does not
    plain = config.model_copy(
        update={"office_hours": config.office_hours.model_copy(update={"public_holidays": False})}
    )
    without = highlighted(analyse([path], plain))
    assert without["staff0001 2026-02-17"] is False and without["staff0002 2025-02-08"] is True


def test_a_firm_calendar_file_from_the_configuration(tmp_path: Path):
    (tmp_path / "our-days.csv").write_text(
        "date,kind,name_zh,name_en,source\n"
        "2026-11-20,holiday,公司成立紀念日,Founding anniversary,board resolution 2026-03\n"
        "2026-11-21,workday,補行上班,Make-up workday,board resolution 2026-03\n",
        encoding="utf-8",
    )
    (tmp_path / "firm.yaml").write_text(
        "core_hosts: [core-db-01]\nholiday_calendar: our-days.csv\n", encoding="utf-8"
    )
    config = LoginConfig.load(tmp_path / "firm.yaml")
    assert config.holiday_calendar == tmp_path / "our-days.csv"
    path = staff_day(tmp_path / "staff.csv", "2026-11-20 10:00:00", "2026-11-21 10:00:00")
    analysis = analyse([path], config)
    assert highlighted(analysis) == {"staff0001 2026-11-20": True, "staff0002 2026-11-21": False}
    assert analysis.parameters["holiday_calendar"] == {
        "file": str(tmp_path / "our-days.csv"),
        "years": [2026],
    }


def test_events_outside_the_calendar_years_are_said(tmp_path: Path):
    path = staff_day(tmp_path / "staff.csv", "2027-01-04 10:00:00")
    analysis = analyse([path], LoginConfig(core_hosts=["core-db-01"]))
    said = [n for n in analysis.notes if "2027" in n.en]
    assert len(said) == 1 and "every year" in said[0].en and "每年更新" in said[0].zh
    inside = analyse([staff_day(tmp_path / "in.csv", "2026-03-02 10:00:00")], LoginConfig())
    assert not [n for n in inside.notes if "calendar" in n.en]


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("date,kind\n2026-02-30,holiday\n", ":2:", "field date"),
        ("date,kind\n2026-02-17,vacation\n", ":2:", "field kind"),
        ("date,kind\n2026-02-17,holiday\n2026-02-17,holiday\n", ":3:", "listed twice"),
        ("day,kind\n2026-02-17,holiday\n", ":1:", "columns ['date']"),
    ],
)
def test_a_bad_calendar_names_file_line_and_field(tmp_path: Path, text: str, where: str, what: str):
    path = tmp_path / "days.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_calendar(path)
    assert f"{path}{where}" in str(caught.value) and what in str(caught.value)


def test_the_default_calendar_ships_with_the_package():
    assert default_calendar().name == "taiwan.csv" and default_calendar().exists()
