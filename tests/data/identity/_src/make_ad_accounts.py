"""Writes accounts/ad/corp-users.csv as Export-Csv (-Encoding UTF8, BOM, CRLF, every value quoted).

lastLogonTimestamp and accountExpires are raw FILETIME integers, as the recommended export keeps them.
"""

import codecs
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def filetime(text):
    if not text:
        return ""
    moment = datetime.fromisoformat(text).astimezone(UTC)
    return str(int((moment - EPOCH).total_seconds()) * 10_000_000)


NEVER = "9223372036854775807"
rows = [
    # SamAccountName, DisplayName, Enabled, EmployeeID, lastLogon, whenCreated, accountExpires, AdminCount, MemberOf, Description
    (
        "Administrator",
        "",
        "True",
        "",
        "2026-06-29T08:00:00+08:00",
        "2016-03-02T01:15:20.0000000Z",
        "0",
        "1",
        "Administrators;Domain Admins;Enterprise Admins;Schema Admins",
        "Built-in account for administering the computer/domain",
    ),
    (
        "Guest",
        "",
        "False",
        "",
        "",
        "2016-03-02T01:15:20.0000000Z",
        NEVER,
        "",
        "Guests",
        "Built-in account for guest access",
    ),
    (
        "krbtgt",
        "",
        "False",
        "",
        "",
        "2016-03-02T01:16:01.0000000Z",
        NEVER,
        "1",
        "Denied RODC Password Replication Group",
        "Key Distribution Center Service Account",
    ),
    (
        "E10023",
        "陳文龍",
        "True",
        "E10023",
        "2026-06-28T08:31:00+08:00",
        "2023-03-01T01:00:00.0000000Z",
        NEVER,
        "",
        "GG-Dealers",
        "",
    ),
    # 95 days before 2026-06-30 (Taipei): within 90 + 14 days, so not yet idle on AD's lagging timestamp.
    (
        "E10027",
        "林美惠",
        "True",
        "E10027",
        "2026-03-27T09:00:00+08:00",
        "2022-07-11T01:00:00.0000000Z",
        NEVER,
        "",
        "GG-Dealers",
        "",
    ),
    # 120 days before: idle even allowing the lag.
    (
        "E10019",
        "張國華",
        "True",
        "E10019",
        "2026-03-02T09:00:00+08:00",
        "2020-01-06T01:00:00.0000000Z",
        NEVER,
        "",
        "GG-IT",
        "",
    ),
    (
        "E10031",
        "王雅婷",
        "True",
        "E10031",
        "2026-05-29T17:40:00+08:00",
        "2021-09-01T01:00:00.0000000Z",
        NEVER,
        "",
        "GG-Settlement",
        "",
    ),
    (
        "tmp.kpmg01",
        "查核人員",
        "True",
        "",
        "2026-04-20T10:00:00+08:00",
        "2026-04-01T01:00:00.0000000Z",
        filetime("2026-05-01T00:00:00+08:00"),
        "",
        "GG-Auditors",
        "臨時查核帳號 2026/4/1-4/30",
    ),
    (
        "svc-backup",
        "Backup service",
        "True",
        "",
        "2026-06-30T02:00:00+08:00",
        "2018-01-01T01:00:00.0000000Z",
        NEVER,
        "1",
        "Backup Operators",
        "Veeam backup service",
    ),
    (
        "trader",
        "交易室共用",
        "True",
        "",
        "2026-06-29T09:00:00+08:00",
        "2017-05-05T01:00:00.0000000Z",
        NEVER,
        "",
        "GG-Dealers",
        "",
    ),
    (
        "E10050",
        "趙新人",
        "True",
        "E10050",
        "",
        "2026-06-25T01:00:00.0000000Z",
        NEVER,
        "",
        "GG-Dealers",
        "新進人員",
    ),
    ("E10044", "周曉明", "True", "E10044", "", "2025-11-03T01:00:00.0000000Z", NEVER, "", "GG-Dealers", ""),
]
buffer = io.StringIO()
writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
writer.writerow(
    [
        "SamAccountName",
        "DisplayName",
        "Enabled",
        "EmployeeID",
        "lastLogonTimestamp",
        "whenCreated",
        "accountExpires",
        "AdminCount",
        "MemberOf",
        "Description",
    ]
)
for name, display, enabled, emp, logon, created, expires, admin, member, desc in rows:
    writer.writerow([name, display, enabled, emp, filetime(logon), created, expires, admin, member, desc])
Path("accounts/ad/corp-users.csv").write_bytes(codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8"))
