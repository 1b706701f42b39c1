"""What the Windows Security events 4624, 4625 and 4740 mean as login events.

Shared by the three Windows readers (EVTX, XML export, JSON export): each reader only turns its format
into (event id, SystemTime, computer, record id, EventData fields); this module does the meaning.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from zhengan.checks.logins.readers.base import bad_record

LOGON_SUCCESS = 4624
LOGON_FAILURE = 4625
ACCOUNT_LOCKED = 4740
LOGIN_EVENT_IDS = (LOGON_SUCCESS, LOGON_FAILURE, ACCOUNT_LOCKED)

# 4625 Status / SubStatus codes (Microsoft, "4625(F): An account failed to log on").
SUB_STATUS_REASONS: dict[str, str] = {
    "0xc0000064": "user name does not exist",
    "0xc000006a": "wrong password",
    "0xc000006d": "bad user name or authentication information",
    "0xc000006e": "account restriction",
    "0xc000006f": "logon outside authorised hours",
    "0xc0000070": "workstation restriction",
    "0xc0000071": "password expired",
    "0xc0000072": "account disabled",
    "0xc0000133": "clock out of sync with domain controller",
    "0xc000015b": "logon type not granted",
    "0xc000018c": "trust relationship failed",
    "0xc0000192": "netlogon service not started",
    "0xc0000193": "account expired",
    "0xc0000224": "password must change at next logon",
    "0xc0000225": "Windows bug, not a risk",
    "0xc0000234": "account locked out",
    "0xc00002ee": "failure reason: an error occurred during logon",
    "0xc0000413": "authentication firewall: machine not allowed",
}
LOGON_TYPES = {
    "2": "Interactive",
    "3": "Network",
    "4": "Batch",
    "5": "Service",
    "7": "Unlock",
    "8": "NetworkCleartext",
    "9": "NewCredentials",
    "10": "RemoteInteractive",
    "11": "CachedInteractive",
}
# Accounts that are the machine itself, not a person or a named service account.
SYSTEM_TIME = re.compile(
    r"^(?P<base>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d+))?(?P<zone>Z|[+-]\d{2}:\d{2})?$"
)
SYSTEM_SIDS = {"S-1-5-18", "S-1-5-19", "S-1-5-20", "S-1-5-7"}
SYSTEM_NAMES = {"SYSTEM", "LOCAL SERVICE", "NETWORK SERVICE", "ANONYMOUS LOGON", "-", ""}
# The built-in administrator: its relative id is 500 whatever it is renamed to; a failed logon carries
# the NULL SID (S-1-0-0), so the name is checked too. Typed `admin`, as sshd's `root` is.
BUILTIN_ADMIN_NAME = "ADMINISTRATOR"
BUILTIN_ADMIN_RID = "-500"


class NotALogin(Exception):
    """A record that is read fine but is not a person's login event (counted as skipped)."""


def parse_system_time(value: str) -> datetime:
    """`2026-11-21T01:02:03.1234567Z` (seven fractional digits) as an aware UTC datetime."""
    match = SYSTEM_TIME.match(value.strip())
    if match is None:
        raise ValueError(f"SystemTime {value!r} cannot be read")
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    zone = match["zone"]
    if not zone:
        raise ValueError(f"SystemTime {value!r} has no zone")
    moment = datetime.fromisoformat(f"{match['base']}.{fraction}{'+00:00' if zone == 'Z' else zone}")
    return moment


def login_fields(event_id: int, computer: str | None, data: dict[str, Any]) -> dict[str, Any]:
    """The login-event fields of one 4624/4625/4740 record; raises NotALogin for machine accounts.

    `user_type` is `admin` for the built-in administrator and otherwise None: the firm's `account_types`
    rules type the account, else the reader's fallback (`--default-user-type`, default staff)."""
    if event_id not in LOGIN_EVENT_IDS:
        raise NotALogin(f"event {event_id}")
    user = _text(data.get("TargetUserName"))
    sid = _text(data.get("TargetUserSid")) or ""
    if sid in SYSTEM_SIDS or (user or "").upper() in SYSTEM_NAMES or (user or "").endswith("$"):
        raise NotALogin("machine or system account")
    if (user or "").upper().startswith(("DWM-", "UMFD-")):
        raise NotALogin("desktop window manager / font driver session")
    builtin_admin = (user or "").upper() == BUILTIN_ADMIN_NAME or sid.endswith(BUILTIN_ADMIN_RID)
    user_type = "admin" if builtin_admin else None
    domain = _text(data.get("TargetDomainName"))
    ip = _text(data.get("IpAddress"))
    if ip in ("-", "", "::1", "127.0.0.1"):
        ip = None
    if ip and ip.startswith("::ffff:"):
        ip = ip[7:]
    logon_type = _text(data.get("LogonType"))
    type_name = LOGON_TYPES.get(logon_type or "", logon_type)
    if event_id == ACCOUNT_LOCKED:
        return {
            "outcome": "failure",
            "action": "lockout",
            "user_name": user,
            "user_type": user_type,
            "source_ip": None,
            "host_name": computer,
            "reason": f"account locked out (caller computer {domain})" if domain else "account locked out",
        }
    if event_id == LOGON_SUCCESS:
        reason = f"logon type {logon_type} ({type_name})" if logon_type else None
        outcome = "success"
    else:
        status = (_text(data.get("SubStatus")) or "").lower()
        if status in ("", "0x0"):
            status = (_text(data.get("Status")) or "").lower()
        reason = SUB_STATUS_REASONS.get(status, f"status {status}" if status else "logon failure")
        if logon_type:
            reason += f"; logon type {logon_type} ({type_name})"
        outcome = "failure"
    return {
        "outcome": outcome,
        "action": "logon",
        # The bare account name: 4740 carries no domain (its TargetDomainName is the caller computer),
        # and one account must group the same in 4625 and 4740; the domain goes into the reason.
        "user_name": user,
        "user_type": user_type,
        "source_ip": ip,
        "host_name": computer,
        "reason": f"{reason}; domain {domain}" if domain and domain != "-" and reason else reason,
    }


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # evtx JSON renders some values as {"#text": ...}
        value = value.get("#text")
    return None if value is None else str(value).strip()


def builder_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The login fields under the names EventBuilder.add takes."""
    return {
        "outcome": fields["outcome"],
        "action": fields["action"],
        "user_name": fields["user_name"],
        "user_type": fields["user_type"],
        "source_ip": fields["source_ip"],
        "host_name": fields["host_name"],
        "reason": fields["reason"],
    }


class Damaged(ValueError):
    """A record that cannot even be parsed, with the reason in both languages."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh


def _why(exc: Exception, zh: bool = False) -> str:
    """A reader's reason: a missing element or key by name, else the error's own words."""
    if isinstance(exc, Damaged):
        return exc.zh if zh else str(exc)
    if isinstance(exc, KeyError):
        return f"缺少 {exc.args[0]}" if zh else f"missing {exc.args[0]}"
    return str(exc)


# How a quarantined Windows record is numbered, when it has no readable EventRecordID.
POSITION_WORDS = {
    "line": ("行", "line"),  # a JSON-lines export: the line in the file
    "record": ("筆", "record"),  # an XML export or a JSON array: the event's position in the file
}


def unreadable(
    file: str,
    position: int,
    exc: Exception,
    raw: str | None,
    record_id: int | None = None,
    kind: str = "record",
):
    """The quarantine record of a Windows event that cannot be read (XML, JSON or EVTX export).

    Its number is the event's EventRecordID when that can be read (as the events' own ids are), else its
    position (`kind`: the line of a JSON-lines export, the record's position in an XML export or a JSON
    array); the reason says which.
    """
    why_zh, why_en = _why(exc, zh=True), _why(exc)
    if record_id is not None:
        return bad_record(
            file,
            record_id,
            f"EventRecordID {record_id} 之 Windows 事件無法解讀：{why_zh}",
            f"EventRecordID {record_id}: Windows event cannot be read: {why_en}",
            raw,
        )
    zh_unit, en_unit = POSITION_WORDS[kind]
    return bad_record(
        file,
        position,
        f"第 {position} {zh_unit} Windows 事件無法解讀（無可讀之 EventRecordID，以{'檔案行號' if kind == 'line' else '檔案中之序位'}標示）：{why_zh}",
        f"{en_unit} {position} (no readable EventRecordID: numbered by its "
        f"{'line in the file' if kind == 'line' else 'position in the file'}): Windows event cannot be read: {why_en}",
        raw,
    )


def record_id_of(value: Any) -> int | None:
    """An EventRecordID as a number, or None when it is absent or not a number."""
    if isinstance(value, dict):
        value = value.get("#text")
    try:
        return int(str(value).strip()) if value is not None else None
    except ValueError:
        return None
