"""Account exports (zhengan, Active Directory, LDAP columns) and the HR roster."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from zhengan.checks.identity.account_model import AccountType
from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.readers import accounts_csv, hr_roster
from zhengan.checks.identity.readers.csv_values import parse_datetime, parse_filetime


def test_native_columns(data: Path) -> None:
    read = accounts_csv.read(data / "accounts/zhengan/order-system.csv")
    assert read.format == accounts_csv.NATIVE
    by_id = {a.account_id: a for a in read.accounts}
    chen = by_id["chen.wl"]
    assert chen.system == "order-system" and chen.employee_id == "E10023" and chen.enabled
    assert chen.last_logon == datetime(2026, 6, 20, 1, 12, 44, tzinfo=UTC)  # +08:00 stored as UTC
    # a naive time is Taipei time
    assert by_id["lin.mh"].last_logon == datetime(2026, 1, 15, 0, 55, 2, tzinfo=UTC)
    assert by_id["tmp-audit2026"].account_type is AccountType.TEMPORARY
    assert by_id["adm-chen"].groups == ["Domain Admins", "Dealers"]
    assert not by_id["huang.cj"].enabled


def test_native_bad_rows_are_quarantined_with_line_and_field(data: Path) -> None:
    read = accounts_csv.read(data / "accounts/zhengan/order-system.csv")
    rejected = {(e.source.line, e.source.field) for e in read.rejected}
    assert rejected == {(15, "enabled"), (16, "last_logon")}
    assert all(e.raw and e.raw.startswith(("wu.ps", "tsai.hy")) for e in read.rejected)
    assert {a.account_id for a in read.accounts}.isdisjoint({"wu.ps", "tsai.hy"})
    assert len(read.accounts) == 13


def test_active_directory_export(data: Path) -> None:
    read = accounts_csv.read(data / "accounts/ad/corp-users.csv")
    assert read.format == accounts_csv.ACTIVE_DIRECTORY and not read.rejected
    by_id = {a.account_id: a for a in read.accounts}
    assert by_id["E10027"].last_logon == datetime(2026, 3, 27, 1, 0, tzinfo=UTC)  # FILETIME decoded
    assert by_id["E10027"].last_logon_lagged
    assert by_id["Administrator"].privileged and by_id["Administrator"].expires is None  # accountExpires 0
    assert by_id["tmp.kpmg01"].account_type is AccountType.TEMPORARY  # from 臨時 in the description
    assert by_id["tmp.kpmg01"].expires == datetime(2026, 4, 30, 16, 0, tzinfo=UTC)
    assert by_id["svc-backup"].account_type is AccountType.SERVICE
    assert by_id["E10050"].last_logon is None
    assert by_id["E10050"].system == "corp-users"


def test_ldap_export(data: Path) -> None:
    read = accounts_csv.read(data / "accounts/ldap/ldap-users.csv", system="futures-ldap")
    assert read.format == accounts_csv.LDAP
    by_id = {a.account_id: a for a in read.accounts}
    assert not by_id["hsu.jl"].enabled  # pwdAccountLockedTime set
    assert by_id["chen.wl"].last_logon == datetime(2026, 6, 29, 1, 30, tzinfo=UTC)
    assert by_id["ops"].groups == ["wheel", "ops"]
    assert by_id["vendor.fx"].account_type is AccountType.VENDOR
    assert by_id["vendor.fx"].expires == datetime(2026, 5, 1, tzinfo=UTC)  # shadowExpire 20574
    assert by_id["ops"].system == "futures-ldap"


def test_unknown_columns_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("user,active\nalice,yes\n", encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        accounts_csv.read(path)
    assert caught.value.source.line == 1 and "SamAccountName" in caught.value.message.en


def test_short_row_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("account_id,enabled,account_type\nalice,true,user\nbob,true\n", encoding="utf-8")
    read = accounts_csv.read(path)
    assert [a.account_id for a in read.accounts] == ["alice"]
    assert read.rejected[0].source.line == 3


def test_unknown_account_type_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("account_id,enabled,account_type\nalice,true,robot\n", encoding="utf-8")
    read = accounts_csv.read(path)
    assert read.rejected[0].source.field == "account_type"


def test_roster_chinese_headers_utf8_bom(data: Path) -> None:
    read = hr_roster.read(data / "hr/roster.csv")
    by_id = {s.employee_id: s for s in read.staff}
    assert by_id["E10031"].leave_date == date(2026, 5, 31)
    assert by_id["E10023"].leave_date is None and by_id["E10023"].name == "陳文龍"


def test_roster_big5(data: Path) -> None:
    assert (data / "hr/roster-big5.csv").read_bytes() != (data / "hr/roster.csv").read_bytes()
    read = hr_roster.read(data / "hr/roster-big5.csv")
    assert {s.employee_id: s.name for s in read.staff}["E10031"] == "王雅婷"


def test_roster_bad_date_quarantined(data: Path) -> None:
    read = hr_roster.read(data / "hr/roster-futures.csv")
    assert [(e.source.line, e.source.field) for e in read.rejected] == [(5, "hire_date")]
    assert len(read.staff) == 3


def test_roster_needs_leave_dates(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("employee_id,name\nE1,A\n", encoding="utf-8")
    with pytest.raises(ReadError, match="leave_date"):
        hr_roster.read(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/5/3 下午 02:05:09", datetime(2026, 5, 3, 6, 5, 9, tzinfo=UTC)),
        ("2026/5/3 上午 12:05:09", datetime(2026, 5, 2, 16, 5, 9, tzinfo=UTC)),
        ("5/3/2026 2:05:09 PM", datetime(2026, 5, 3, 6, 5, 9, tzinfo=UTC)),
        ("20260512013000Z", datetime(2026, 5, 12, 1, 30, tzinfo=UTC)),
        ("2016-03-02T01:15:20.0000000Z", datetime(2016, 3, 2, 1, 15, 20, tzinfo=UTC)),
        ("", None),
    ],
)
def test_datetime_formats(text: str, expected: datetime | None) -> None:
    assert parse_datetime(text) == expected


def test_filetime_never() -> None:
    assert parse_filetime("9223372036854775807") is None and parse_filetime("0") is None
    assert parse_filetime("116444736000000000") == datetime(1970, 1, 1, tzinfo=UTC)
