"""Account review findings, each holding and failing, and the XLSX review record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zhengan.checks.identity import accounts
from zhengan.checks.identity.account_model import Account, AccountType, StaffMember
from zhengan.checks.identity.review_record import DECISIONS, write_review_record
from zhengan.checks.identity.thresholds import IdentityThresholds
from zhengan.checks.result import SourceRef, Status

AS_OF = accounts.as_of_from("2026-06-30")


def findings(result, account_key: str) -> dict[str, Status]:  # type: ignore[no-untyped-def]
    return {o.rule: o.status for o in result.observations if o.subject == f"account {account_key}"}


@pytest.fixture
def securities(data: Path, thresholds: IdentityThresholds):  # type: ignore[no-untyped-def]
    files = [data / "accounts/zhengan/order-system.csv", data / "accounts/ad/corp-users.csv"]
    result, review = accounts.run(files, data / "hr/roster.csv", ["securities"], thresholds, as_of=AS_OF)
    return result, review


def test_as_of_is_end_of_the_taipei_day_in_utc() -> None:
    assert datetime(2026, 6, 30, 15, 59, 59, tzinfo=UTC) == AS_OF


def test_a_clean_account_has_no_findings(securities) -> None:  # type: ignore[no-untyped-def]
    result, _ = securities
    assert findings(result, "order-system/chen.wl") == {}
    assert findings(result, "corp-users/E10023") == {}


def test_idle(securities) -> None:  # type: ignore[no-untyped-def]
    result, _ = securities
    assert findings(result, "order-system/lin.mh")["accounts.idle"] is Status.FAIL  # 166 days
    assert "accounts.idle" not in findings(result, "order-system/huang.cj")  # disabled already
    assert "accounts.idle" not in findings(result, "order-system/svc-batch")


def test_idle_allows_for_ad_replication_lag(securities) -> None:  # type: ignore[no-untyped-def]
    result, _ = securities
    assert "accounts.idle" not in findings(result, "corp-users/E10027")  # 95 days: within 90 + 14
    idle = next(
        o
        for o in result.observations
        if o.subject == "account corp-users/E10019" and o.rule == "accounts.idle"
    )
    assert idle.status is Status.FAIL and idle.required == 104
    assert "14" in idle.message.en and "lastLogonTimestamp" in idle.message.en
    assert idle.control_ids == ["SR-3.3"]


def test_never_logged_on(securities) -> None:  # type: ignore[no-untyped-def]
    result, _ = securities
    assert findings(result, "corp-users/E10044")["accounts.idle"] is Status.FAIL  # created Nov 2025
    assert findings(result, "corp-users/E10050") == {}  # created five days ago


def test_leaver_still_enabled(securities) -> None:  # type: ignore[no-untyped-def]
    result, _ = securities
    assert findings(result, "order-system/wang.yt")["accounts.leaver_enabled"] is Status.FAIL
    assert "accounts.leaver_enabled" not in findings(result, "order-system/huang.cj")  # left but disabled


def test_leaver_futures_cites_fc_5_2(data: Path, thresholds: IdentityThresholds) -> None:
    result, _ = accounts.run(
        [data / "accounts/ldap/ldap-users.csv"],
        data / "hr/roster-futures.csv",
        ["futures"],
        thresholds,
        as_of=AS_OF,
    )
    leaver = next(o for o in result.observations if o.rule == "accounts.leaver_enabled")
    assert leaver.subject == "account ldap-users/kao.ym"
    assert "FC-5.2" in leaver.control_ids and not any(c.startswith("SR-") for c in leaver.control_ids)
    assert "accounts.leaver_enabled" not in findings(result, "ldap-users/hsu.jl")  # left, locked
    assert "accounts.leaver_enabled" not in findings(result, "ldap-users/chen.wl")
    assert result.quarantined == 1


def test_owner_unknown(securities) -> None:  # type: ignore[no-untyped-def]
    result, _ = securities
    assert findings(result, "corp-users/trader")["accounts.owner_unknown"] is Status.WARN
    assert "accounts.owner_unknown" not in findings(result, "order-system/chen.wl")


def test_temporary_accounts(securities) -> None:  # type: ignore[no-untyped-def]
    result, _ = securities
    assert findings(result, "order-system/tmp-audit2026")["accounts.temporary_expired"] is Status.FAIL
    assert findings(result, "corp-users/tmp.kpmg01")["accounts.temporary_expired"] is Status.FAIL
    assert findings(result, "order-system/bg-emerg01")["accounts.temporary_no_end"] is Status.WARN
    vendor = findings(result, "order-system/vnd-acme01")  # ends 2026-12-31
    assert "accounts.temporary_expired" not in vendor and "accounts.temporary_no_end" not in vendor
    expired = next(o for o in result.observations if o.rule == "accounts.temporary_expired")
    assert expired.control_ids == ["SR-3.2"]


def test_shared_and_generic_accounts(securities) -> None:  # type: ignore[no-untyped-def]
    result, _ = securities
    assert findings(result, "order-system/dealer01")["accounts.shared"] is Status.FAIL  # declared shared
    assert findings(result, "corp-users/trader")["accounts.shared"] is Status.FAIL  # generic name
    assert findings(result, "corp-users/Administrator")["accounts.shared"] is Status.FAIL
    assert "accounts.shared" not in findings(result, "corp-users/Guest")  # disabled
    assert "accounts.shared" not in findings(result, "order-system/tmp-audit2026")  # its own rule covers it
    assert "accounts.shared" not in findings(result, "corp-users/svc-backup")


def test_privileged_accounts_are_listed(securities) -> None:  # type: ignore[no-untyped-def]
    result, _ = securities
    admin = next(o for o in result.observations if o.subject == "account order-system/adm-chen")
    assert admin.rule == "accounts.privileged" and admin.status is Status.INFO
    assert admin.control_ids == ["SR-3.8", "AP-4.6.3"]
    assert "accounts.privileged" not in findings(result, "order-system/chen.wl")


def test_customer_explicit_data_as_identifier(securities) -> None:  # type: ignore[no-untyped-def]
    result, _ = securities
    for key in ("order-system/A123456789", "order-system/0912345678", "order-system/lee.sf@example.com.tw"):
        assert findings(result, key)["accounts.explicit_identifier"] is Status.FAIL, key
    assert "accounts.explicit_identifier" not in findings(result, "corp-users/E10023")


def _account(account_id: str, **extra: object) -> Account:
    return Account(account_id=account_id, enabled=True, source=SourceRef(file="t.csv", line=2), **extra)  # type: ignore[arg-type]


def test_weaker_identifier_matches_are_warnings_for_staff(thresholds: IdentityThresholds) -> None:
    fresh = AS_OF - timedelta(days=1)
    review = accounts.review(
        [
            _account("chen@example-sec.com.tw", last_logon=fresh),
            _account("53212539", last_logon=fresh),
            _account("53212539", account_type=AccountType.CUSTOMER, last_logon=fresh, system="web"),
        ],
        [],
        ["securities"],
        thresholds.accounts,
        AS_OF,
    )
    statuses = [
        (o.subject, o.status) for o in review.observations if o.rule == "accounts.explicit_identifier"
    ]
    assert statuses == [
        ("account chen@example-sec.com.tw", Status.WARN),
        ("account 53212539", Status.WARN),
        ("account web/53212539", Status.FAIL),
    ]


def test_futures_only_firm_gets_no_sr_findings(thresholds: IdentityThresholds) -> None:
    review = accounts.review(
        [_account("A123456789", last_logon=AS_OF - timedelta(days=1))],
        [],
        ["futures"],
        thresholds.accounts,
        AS_OF,
    )
    assert review.observations == []


def test_leaving_date_in_the_future_is_information(thresholds: IdentityThresholds) -> None:
    staff = [
        StaffMember(
            employee_id="E1", leave_date=(AS_OF + timedelta(days=10)).date(), source=SourceRef(file="r")
        )
    ]
    review = accounts.review(
        [_account("alice", employee_id="E1", last_logon=AS_OF)],
        staff,
        ["securities"],
        thresholds.accounts,
        AS_OF,
    )
    assert [(o.rule, o.status) for o in review.observations] == [("accounts.leaver_scheduled", Status.INFO)]


def test_idle_days_are_configurable(thresholds: IdentityThresholds) -> None:
    account = _account("alice", last_logon=AS_OF - timedelta(days=40))
    default = accounts.review([account], [], ["securities"], thresholds.accounts, AS_OF)
    strict = accounts.review(
        [account], [], ["securities"], thresholds.accounts.model_copy(update={"idle_days": 30}), AS_OF
    )
    assert default.observations == []
    assert [o.rule for o in strict.observations] == ["accounts.idle"]


def test_review_record_xlsx(tmp_path: Path, securities) -> None:  # type: ignore[no-untyped-def]
    result, review = securities
    path = write_review_record(tmp_path / "record" / "review.xlsx", result, review)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["帳號審查 Review", "摘要 Summary", "隔離 Quarantine"]
    sheet = workbook["帳號審查 Review"]
    header = [c.value for c in sheet[1]]
    assert "審查者決定\nReviewer decision" in header
    rows = {(r[0], r[1]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == len(review.accounts) == 25
    wang = rows[("order-system", "wang.yt")]
    decision_column = header.index("審查者決定\nReviewer decision")
    assert wang[decision_column] is None  # left for the reviewer
    assert (
        "離職" in wang[header.index("發現事項\nFindings")]
        and "left on 2026-05-31" in wang[header.index("發現事項\nFindings")]
    )
    assert "SR-3.1" in wang[header.index("條款\nClauses")]
    assert rows[("order-system", "chen.wl")][header.index("結果\nResult")] == "符合 pass"
    validation = sheet.data_validations.dataValidation[0]
    assert all(d in validation.formula1 for d in DECISIONS)
    quarantine = list(workbook["隔離 Quarantine"].iter_rows(min_row=2, values_only=True))
    assert {(q[1], q[2]) for q in quarantine} == {(15, "enabled"), (16, "last_logon")}
    summary = {r[0]: r[1] for r in workbook["摘要 Summary"].iter_rows(values_only=True)}
    assert summary["帳號數 Accounts"] == 25 and summary["隔離紀錄 Quarantined records"] == 2
    assert any(len(str(v)) == 64 for v in summary.values())  # input hashes


def test_review_record_is_never_half_written(tmp_path: Path, securities) -> None:  # type: ignore[no-untyped-def]
    result, review = securities
    target = tmp_path / "review.xlsx"
    target.write_bytes(b"previous record")
    review.accounts.append("not an account")  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        write_review_record(target, result, review)
    assert target.read_bytes() == b"previous record"
    assert [p.name for p in tmp_path.iterdir()] == ["review.xlsx"]
