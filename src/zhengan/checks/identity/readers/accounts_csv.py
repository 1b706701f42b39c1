"""Account exports as CSV: zhengan's own column set, and the mappings for Active Directory and LDAP exports.

zhengan columns (header names exactly; only `account_id` and `enabled` are required):
    account_id, display_name, system, enabled, account_type, privileged, groups, employee_id,
    last_logon, created, expires, description
Active Directory (`Get-ADUser ... | Export-Csv`, see docs/checks-identity.md for the command):
    SamAccountName, DisplayName, Enabled, EmployeeID, lastLogonTimestamp (FILETIME), whenCreated,
    accountExpires (FILETIME; 0 or 9223372036854775807 = never), AdminCount, MemberOf, Description
LDAP (an ldapsearch result converted to CSV, one column per attribute; multi-values joined with | or ;):
    dn, uid, cn, employeeNumber, employeeType, memberOf, pwdAccountLockedTime or nsAccountLock (disabled),
    pwdLastSuccess or authTimestamp (last logon, GeneralizedTime), createTimestamp, shadowExpire (days)

The format is recognised by its header. A row that cannot be read is quarantined with its line and field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhengan.checks.identity.account_model import TYPE_WORDS, Account, AccountType
from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.readers.csv_values import (
    CellError,
    parse_bool,
    parse_datetime,
    parse_filetime,
    parse_shadow_days,
    read_csv,
    split_list,
)
from zhengan.checks.result import InputError, SourceRef
from zhengan.text import Text

NATIVE = "zhengan-accounts-csv"
ACTIVE_DIRECTORY = "ad-accounts-csv"
LDAP = "ldap-accounts-csv"


@dataclass
class AccountsRead:
    format: str
    accounts: list[Account] = field(default_factory=list)
    rejected: list[InputError] = field(default_factory=list)


def _type_from_words(*texts: str) -> AccountType | None:
    for text in texts:
        lowered = text.strip().lower()
        if lowered in TYPE_WORDS:
            return TYPE_WORDS[lowered]
    for text in texts:
        lowered = text.lower()
        for word, kind in TYPE_WORDS.items():
            if kind in (AccountType.USER, AccountType.ADMIN):
                continue  # too common inside descriptions to mean the type
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered):
                return kind
    return None


def _account_type(value: str) -> AccountType:
    if not value.strip():
        return AccountType.USER
    kind = TYPE_WORDS.get(value.strip().lower())
    if kind is None:
        raise CellError(
            Text(
                zh=f"帳號類型不明：{value!r}（可用：{', '.join(t.value for t in AccountType)}）",
                en=f"unknown account type {value!r} (use: {', '.join(t.value for t in AccountType)})",
            )
        )
    return kind


Fields = dict[str, Callable[[dict[str, str]], Any]]


def _native_fields() -> Fields:
    return {
        "account_id": lambda r: r["account_id"],
        "display_name": lambda r: r.get("display_name", ""),
        "system": lambda r: r.get("system", ""),
        "enabled": lambda r: parse_bool(r["enabled"]),
        "account_type": lambda r: _account_type(r.get("account_type", "")),
        "privileged": lambda r: parse_bool(r["privileged"]) if r.get("privileged", "").strip() else False,
        "groups": lambda r: split_list(r.get("groups", "")),
        "employee_id": lambda r: r.get("employee_id", "").strip() or None,
        "last_logon": lambda r: parse_datetime(r.get("last_logon", "")),
        "created": lambda r: parse_datetime(r.get("created", "")),
        "expires": lambda r: parse_datetime(r.get("expires", "")),
        "description": lambda r: r.get("description", ""),
    }


def _ad_fields(system: str) -> Fields:
    def kind(r: dict[str, str]) -> AccountType:
        name = r["SamAccountName"].lower()
        if name.startswith(("svc-", "svc_", "svc.")) or name.endswith("$"):
            return AccountType.SERVICE
        return _type_from_words(r.get("Description", "")) or AccountType.USER

    return {
        "account_id": lambda r: r["SamAccountName"],
        "display_name": lambda r: r.get("DisplayName", "") or r.get("Name", ""),
        "system": lambda r: system,
        "enabled": lambda r: parse_bool(r["Enabled"]),
        "account_type": kind,
        "privileged": lambda r: r.get("AdminCount", "").strip() == "1",
        "groups": lambda r: split_list(r.get("MemberOf", "")),
        "employee_id": lambda r: r.get("EmployeeID", "").strip() or None,
        "last_logon": lambda r: parse_filetime(r.get("lastLogonTimestamp", "")),
        "last_logon_lagged": lambda r: True,
        "created": lambda r: parse_datetime(r.get("whenCreated", "")),
        "expires": lambda r: parse_filetime(r.get("accountExpires", "")),
        "description": lambda r: r.get("Description", ""),
    }


def _ldap_fields(system: str) -> Fields:
    def enabled(r: dict[str, str]) -> bool:
        if r.get("pwdAccountLockedTime", "").strip():
            return False
        lock = r.get("nsAccountLock", "").strip()
        return not (lock and parse_bool(lock))

    def last_logon(r: dict[str, str]) -> Any:
        return parse_datetime(r.get("pwdLastSuccess", "") or r.get("authTimestamp", ""))

    return {
        "account_id": lambda r: r["uid"],
        "display_name": lambda r: r.get("cn", ""),
        "system": lambda r: system,
        "enabled": enabled,
        "account_type": lambda r: _type_from_words(r.get("employeeType", "")) or AccountType.USER,
        "privileged": lambda r: False,  # decided from group membership by the analysis
        "groups": lambda r: [
            g.split(",")[0].removeprefix("cn=").removeprefix("CN=") for g in split_list(r.get("memberOf", ""))
        ],
        "employee_id": lambda r: r.get("employeeNumber", "").strip() or None,
        "last_logon": last_logon,
        "created": lambda r: parse_datetime(r.get("createTimestamp", "")),
        "expires": lambda r: parse_shadow_days(r.get("shadowExpire", "")),
        "description": lambda r: r.get("description", ""),
    }


def detect(header: list[str]) -> str | None:
    names = set(header)
    if {"account_id", "enabled"} <= names:
        return NATIVE
    if {"SamAccountName", "Enabled"} <= names:
        return ACTIVE_DIRECTORY
    if {"dn", "uid"} <= names:
        return LDAP
    return None


def read(path: Path, system: str | None = None) -> AccountsRead:
    header, rows = read_csv(path)
    kind = detect(header)
    if kind is None:
        raise ReadError(
            SourceRef(file=str(path), line=1),
            Text(
                zh="無法辨識帳號清單欄位：需有 account_id,enabled（zhengan）、SamAccountName,Enabled（AD）或 dn,uid（LDAP）",
                en="unrecognised account columns: need account_id,enabled (zhengan), SamAccountName,Enabled (AD) "
                "or dn,uid (LDAP)",
            ),
            raw=",".join(header),
        )
    system_name = system or path.stem
    fields = {
        NATIVE: _native_fields(),
        ACTIVE_DIRECTORY: _ad_fields(system_name),
        LDAP: _ldap_fields(system_name),
    }[kind]
    result = AccountsRead(kind)
    for line, row, raw in rows:
        if "__width__" in row:
            result.rejected.append(
                InputError(
                    source=SourceRef(file=str(path), line=line),
                    message=Text(
                        zh=f"欄位數 {row['__width__']} 與標題 {len(header)} 不符",
                        en=f"{row['__width__']} cells but {len(header)} columns",
                    ),
                    raw=raw,
                )
            )
            continue
        values: dict[str, Any] = {}
        try:
            for name, getter in fields.items():
                try:
                    values[name] = getter(row)
                except CellError as error:
                    raise _RowError(name, error.message) from error
                except KeyError as error:
                    raise _RowError(name, Text(zh="必要欄位為空", en="required field is empty")) from error
            if not str(values["account_id"]).strip():
                raise _RowError("account_id", Text(zh="帳號為空", en="empty account id"))
        except _RowError as error:
            result.rejected.append(
                InputError(
                    source=SourceRef(file=str(path), line=line, field=error.field),
                    message=Text(
                        zh=f"{error.field}：{error.message.zh}", en=f"{error.field}: {error.message.en}"
                    ),
                    raw=raw,
                )
            )
            continue
        if system is not None and kind == NATIVE and not values["system"]:
            values["system"] = system
        result.accounts.append(Account(source=SourceRef(file=str(path), line=line), **values))
    return result


class _RowError(Exception):
    def __init__(self, field: str, message: Text) -> None:
        self.field = field
        self.message = message
        super().__init__(message.both())
