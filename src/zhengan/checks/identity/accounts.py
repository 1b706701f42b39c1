"""Account review: what the half-yearly review (SR-3.3) must look at, account by account.

Findings (each an observation citing its clauses; which clauses depends on the firm's kinds):
- idle: an enabled account unused for more than `idle_days` (default 90); for Active Directory's
  lastLogonTimestamp, which replicates up to 14 days late, only after idle_days + 14 (SR-3.3);
- leaver: an enabled account of someone the HR roster says has left (FC-5.2; SR-3.1, SR-3.3);
- no owner: an account whose employee id the roster does not know (SR-3.1; FC-8.2.b);
- temporary/emergency past its end date, or without one (SR-3.2; FC-8.2.d for vendors);
- shared or generic accounts (SR-6.1; FC-8.3.g for default names such as administrator, root, sa);
- privileged accounts, listed for review (SR-3.8, AP-4.6.3; FC-8.2.c);
- an identifier that is customer explicit data: national ID, resident certificate, company tax ID, mobile,
  e-mail, card or bank account number (SR-3.7).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from zhengan.checks.identity import tw_identifiers
from zhengan.checks.identity.account_model import Account, AccountType, StaffMember
from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.readers import accounts_csv, hr_roster
from zhengan.checks.identity.thresholds import AccountThresholds, IdentityThresholds, load_thresholds
from zhengan.checks.result import CheckResult, InputError, InputFile, Observation, Severity, Status
from zhengan.text import Text
from zhengan.timeutil import TAIPEI, utc_now

CHECK = "identity.accounts"
TITLE = Text(zh="資通系統帳號審查", en="Information-system account review")
DEFAULT_ACCOUNT_NAMES = {"administrator", "admin", "root", "sa", "guest"}


@dataclass
class Applicable:
    """The clause ids for a finding, by kind; a finding no applicable clause covers is not reported."""

    securities: tuple[str, ...] = ()
    futures: tuple[str, ...] = ()

    def ids(self, kinds: set[str]) -> list[str]:
        return [
            *(self.securities if "securities" in kinds else ()),
            *(self.futures if "futures" in kinds else ()),
        ]


@dataclass
class Review:
    """What the analysis says about the accounts, ready for the review record."""

    accounts: list[Account]
    observations: list[Observation]
    staff: dict[str, StaffMember] = field(default_factory=dict)
    as_of: datetime = field(default_factory=utc_now)
    _by_subject: dict[str, list[Observation]] | None = field(default=None, repr=False)

    def findings_for(self, account: Account) -> list[Observation]:
        if self._by_subject is None:  # built once: a review record asks for every account
            self._by_subject = {}
            for observation in self.observations:
                self._by_subject.setdefault(observation.subject, []).append(observation)
        return self._by_subject.get(subject_of(account), [])


def subject_of(account: Account) -> str:
    return f"account {account.key}"


def _name_tokens(account_id: str) -> list[str]:
    local = account_id.split("\\")[-1].split("@")[0].lower()
    return [t for t in re.split(r"[^a-z]+", local) if t]


def _observation(
    account: Account, rule: str, status: Status, ids: list[str], title: Text, message: Text, **extra: object
) -> Observation:
    return Observation(
        rule=rule,
        status=status,
        control_ids=ids,
        title=title,
        subject=subject_of(account),
        message=message,
        source=account.source,
        **extra,  # type: ignore[arg-type]
    )


def _day(moment: datetime) -> str:
    return moment.astimezone(TAIPEI).strftime("%Y-%m-%d")


def review(
    accounts: Sequence[Account],
    staff: Sequence[StaffMember],
    kinds: Iterable[str],
    thresholds: AccountThresholds,
    as_of: datetime | None = None,
    roster_given: bool | None = None,
) -> Review:
    kinds = set(kinds)
    as_of = as_of or utc_now()
    today = as_of.astimezone(TAIPEI).date()
    roster = {s.employee_id: s for s in staff}
    roster_given = bool(staff) if roster_given is None else roster_given
    privileged_groups = {g.lower() for g in thresholds.privileged_groups}
    generic_names = {n.lower() for n in thresholds.generic_names}
    observations: list[Observation] = []

    for account in accounts:
        found: list[Observation] = []
        add = found.append

        # Idle (SR-3.3). Only enabled accounts can be idle in a way that matters.
        idle_ids = Applicable(("SR-3.3",), ("FC-8.1",)).ids(kinds)
        if account.enabled and idle_ids and account.account_type is not AccountType.SERVICE:
            lag = thresholds.ad_logon_sync_lag_days if account.last_logon_lagged else 0
            limit = thresholds.idle_days + lag
            lag_zh = f"（AD lastLogonTimestamp 最多延遲 {lag} 日複寫，故以 {limit} 日判斷）" if lag else ""
            lag_en = (
                f" (AD lastLogonTimestamp replicates up to {lag} days late, so {limit} days are used)"
                if lag
                else ""
            )
            status = Status.FAIL if "securities" in kinds else Status.WARN
            if account.last_logon is not None:
                idle = (as_of - account.last_logon).days
                if idle > limit:
                    add(_observation(
                        account, "accounts.idle", status, idle_ids,
                        Text(zh="閒置帳號", en="idle account"),
                        Text(zh=f"最後登入 {_day(account.last_logon)}，已閒置 {idle} 日，超過 {thresholds.idle_days} 日{lag_zh}；應停用",
                             en=f"last logon {_day(account.last_logon)}, idle {idle} days, over {thresholds.idle_days}{lag_en}; disable it"),
                        severity=Severity.MEDIUM, found=idle, required=limit,
                        details={"last_logon": account.last_logon.isoformat(), "lag_days": lag},
                    ))  # fmt: skip
            elif account.created is not None and (as_of - account.created).days > limit:
                age = (as_of - account.created).days
                add(_observation(
                    account, "accounts.idle", status, idle_ids,
                    Text(zh="閒置帳號（從未登入）", en="idle account (never logged on)"),
                    Text(zh=f"建立於 {_day(account.created)}，{age} 日來從未登入{lag_zh}；應停用",
                         en=f"created {_day(account.created)}, never logged on in {age} days{lag_en}; disable it"),
                    severity=Severity.MEDIUM, found=age, required=limit,
                ))  # fmt: skip
            elif account.created is None and account.last_logon is None:
                add(_observation(
                    account, "accounts.idle_unknown", Status.WARN, idle_ids,
                    Text(zh="無登入紀錄", en="no logon record"),
                    Text(zh="匯出資料無最後登入及建立日期，無法判斷是否閒置", en="no last logon and no creation date: cannot tell if idle"),
                    severity=Severity.LOW,
                ))  # fmt: skip

        # Leavers (FC-5.2) and owners unknown to the roster.
        person = roster.get(account.employee_id or "")
        if person is not None and person.leave_date is not None:
            if person.leave_date <= today and account.enabled:
                add(_observation(
                    account, "accounts.leaver_enabled", Status.FAIL,
                    Applicable(("SR-3.1", "SR-3.3"), ("FC-5.2", "FC-8.2.b")).ids(kinds),
                    Text(zh="離職人員帳號仍啟用", en="leaver's account still enabled"),
                    Text(zh=f"員工 {person.employee_id} {person.name} 已於 {person.leave_date} 離職，帳號仍啟用；應取消其識別碼",
                         en=f"employee {person.employee_id} {person.name} left on {person.leave_date}; the account is "
                            "still enabled; cancel the identifier"),
                    severity=Severity.HIGH, found=True, required=False,
                    details={"leave_date": person.leave_date.isoformat(), "roster": str(person.source)},
                ))  # fmt: skip
            elif person.leave_date > today:
                add(_observation(
                    account, "accounts.leaver_scheduled", Status.INFO,
                    Applicable(("SR-3.1",), ("FC-5.2",)).ids(kinds),
                    Text(zh="預定離職", en="leaving soon"),
                    Text(zh=f"員工 {person.employee_id} 預定於 {person.leave_date} 離職，屆時應停用",
                         en=f"employee {person.employee_id} leaves on {person.leave_date}; disable the account then"),
                ))  # fmt: skip
        elif (
            roster_given
            and person is None
            and account.enabled
            and account.account_type in (AccountType.USER, AccountType.ADMIN)
        ):
            add(_observation(
                account, "accounts.owner_unknown", Status.WARN,
                Applicable(("SR-3.1",), ("FC-8.2.b",)).ids(kinds),
                Text(zh="帳號無對應在職人員", en="account without a known owner"),
                Text(zh=f"員工編號 {account.employee_id or '（空白）'} 不在人事名冊中；請確認使用者",
                     en=f"employee id {account.employee_id or '(blank)'} is not in the HR roster; confirm the owner"),
                severity=Severity.MEDIUM,
            ))  # fmt: skip

        # Temporary and emergency accounts (SR-3.2); vendors' accounts (FC-8.2.d).
        if account.account_type in (AccountType.TEMPORARY, AccountType.EMERGENCY, AccountType.VENDOR):
            futures_ids = ("FC-8.2.d",) if account.account_type is AccountType.VENDOR else ("FC-8.2.b",)
            ids = Applicable(("SR-3.2",), futures_ids).ids(kinds)
            if account.expires is None and account.enabled:
                add(_observation(
                    account, "accounts.temporary_no_end", Status.WARN, ids,
                    Text(zh="臨時帳號無結束日期", en="temporary account without an end date"),
                    Text(zh="臨時、緊急或委外帳號未設定使用期限，作業結束後應即刪除或停用",
                         en="a temporary, emergency or vendor account has no end date; it must be removed or disabled "
                            "when the work ends"),
                    severity=Severity.MEDIUM,
                ))  # fmt: skip
            elif account.expires is not None and account.expires <= as_of and account.enabled:
                add(_observation(
                    account, "accounts.temporary_expired", Status.FAIL, ids,
                    Text(zh="臨時帳號逾期仍啟用", en="temporary account enabled past its end date"),
                    Text(zh=f"使用期限 {_day(account.expires)} 已過，帳號仍啟用；應即時刪除或停用",
                         en=f"its end date {_day(account.expires)} has passed and it is still enabled; delete or disable it"),
                    severity=Severity.HIGH, found=_day(account.expires),
                ))  # fmt: skip

        # Shared and generic accounts (SR-6.1); default names (FC-8.3.g).
        tokens = _name_tokens(account.account_id)
        personal = person is not None
        default_name = account.account_id.split("\\")[-1].lower() in DEFAULT_ACCOUNT_NAMES
        generic = account.account_type is AccountType.SHARED or (
            # Only untyped (personal-looking) accounts are judged by name: a declared temporary, emergency,
            # vendor or service account is covered by its own rule above.
            account.account_type in (AccountType.USER, AccountType.ADMIN)
            and not personal
            and any(t in generic_names for t in tokens)
        )
        if account.enabled and (generic or default_name):
            ids = Applicable(("SR-6.1",), ("FC-8.3.g",) if default_name else ()).ids(kinds)
            if ids:
                add(_observation(
                    account, "accounts.shared", Status.FAIL, ids,
                    Text(zh="共用或通用帳號", en="shared or generic account"),
                    Text(zh="帳號名稱或類型顯示為共用／通用帳號，無法唯一識別使用者；應改為個人帳號或停用",
                         en="the account's name or type marks it shared or generic, so it does not identify one "
                            "person; replace it with personal accounts or disable it"),
                    severity=Severity.HIGH, found=account.account_id,
                ))  # fmt: skip

        # Privileged accounts: listed for the review (SR-3.8, AP-4.6.3, FC-8.2.c).
        privileged_by = sorted(g for g in account.groups if g.lower() in privileged_groups)
        if account.privileged or privileged_by or account.account_type is AccountType.ADMIN:
            add(_observation(
                account, "accounts.privileged", Status.INFO,
                Applicable(("SR-3.8", "AP-4.6.3"), ("FC-8.2.c",)).ids(kinds),
                Text(zh="特權帳號（列入審查）", en="privileged account (for review)"),
                Text(zh=f"特權帳號，請確認權限仍為業務所需：{'、'.join(privileged_by) or '管理者權限'}",
                     en=f"privileged account; confirm the rights are still needed: {', '.join(privileged_by) or 'admin rights'}"),
                found=privileged_by or True,
            ))  # fmt: skip

        # Customer explicit data as the identifier (SR-3.7).
        ids = Applicable(("SR-3.7",), ()).ids(kinds)
        match = tw_identifiers.classify(account.account_id.split("\\")[-1])
        if ids and match is not None:
            certain = match.certain or account.account_type is AccountType.CUSTOMER
            add(_observation(
                account, "accounts.explicit_identifier", Status.FAIL if certain else Status.WARN, ids,
                Text(zh="以顯性資料作為識別", en="explicit personal data as identifier"),
                Text(zh=f"帳號為客戶顯性資料：{match.label.zh}（{match.note.zh}）；不得作為唯一識別，應另設使用者代號",
                     en=f"the account id is customer explicit data: {match.label.en} ({match.note.en}); it must not be the only identifier: "
                        "add a separate user id"),
                severity=Severity.HIGH if certain else Severity.MEDIUM, found=match.kind.value,
            ))  # fmt: skip
        observations.extend(found)
    return Review(list(accounts), observations, roster, as_of)


@dataclass
class AccountInputs:
    accounts: list[Account]
    staff: list[StaffMember]
    inputs: list[InputFile]
    rejected: list[InputError]
    errors: list[ReadError]


def read_inputs(
    account_files: Sequence[Path], roster_file: Path | None, system: str | None = None
) -> AccountInputs:
    outcome = AccountInputs([], [], [], [], [])
    for path in account_files:
        try:
            read = accounts_csv.read(path, system)
        except ReadError as error:
            outcome.errors.append(error)
            continue
        outcome.inputs.append(InputFile.of(path, read.format))
        outcome.accounts.extend(read.accounts)
        outcome.rejected.extend(read.rejected)
    if roster_file is not None:
        try:
            roster = hr_roster.read(roster_file)
            outcome.inputs.append(InputFile.of(roster_file, hr_roster.FORMAT))
            outcome.staff.extend(roster.staff)
            outcome.rejected.extend(roster.rejected)
        except ReadError as error:
            outcome.errors.append(error)
    return outcome


def run(
    account_files: Sequence[Path],
    roster_file: Path | None,
    kinds: Iterable[str],
    thresholds: IdentityThresholds | None = None,
    *,
    as_of: datetime | None = None,
    system: str | None = None,
) -> tuple[CheckResult, Review]:
    thresholds = thresholds or load_thresholds()
    kinds = sorted(set(kinds))
    as_of = as_of or utc_now()
    result = CheckResult(
        check=CHECK,
        title=TITLE,
        parameters={
            "kinds": kinds,
            "as_of": as_of.isoformat(),
            "idle_days": thresholds.accounts.idle_days,
            "ad_logon_sync_lag_days": thresholds.accounts.ad_logon_sync_lag_days,
        },
    )
    read = read_inputs(account_files, roster_file, system)
    result.inputs = read.inputs
    result.errors = [e.as_input_error() for e in read.errors] + read.rejected
    result.quarantined = len(read.rejected)
    done = review(
        read.accounts, read.staff, kinds, thresholds.accounts, as_of, roster_given=roster_file is not None
    )
    summary_ids = Applicable(("SR-3.3",), ("FC-5.2",)).ids(set(kinds))
    failing = {o.subject for o in done.observations if o.status is Status.FAIL}
    done.observations.append(
        Observation(
            rule="accounts.review_summary",
            status=Status.INFO,
            control_ids=summary_ids,
            title=Text(zh="帳號審查摘要", en="account review summary"),
            subject="account review",
            message=Text(
                zh=f"共審查 {len(read.accounts)} 個帳號，{len(failing)} 個有不符合事項；隔離 {len(read.rejected)} 筆無法判讀之紀錄",
                en=f"{len(read.accounts)} accounts reviewed, {len(failing)} with failures; "
                f"{len(read.rejected)} unreadable records quarantined",
            ),
            found=len(read.accounts),
        )
    )
    result.observations = done.observations
    return result.finish(), done


def as_of_from(value: str | None) -> datetime:
    """A review date given as yyyy-mm-dd (Taipei) becomes the end of that day in UTC; none means now."""
    if not value:
        return utc_now()
    day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=TAIPEI)
    return (day + timedelta(days=1) - timedelta(seconds=1)).astimezone(UTC)
