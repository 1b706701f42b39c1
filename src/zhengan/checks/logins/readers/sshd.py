"""Linux `sshd` authentication logs (/var/log/auth.log, /var/log/secure, or journal exports in that form).

Accepts the traditional year-less syslog stamp (`Nov 21 08:01:02`, year declared or inferred and said)
and the ISO stamp rsyslog writes by default on current Debian (`2026-11-21T08:01:02.123456+08:00`).

One attempt is one event:
- `Accepted <method> for U from IP` is a success; `Failed <method> for [invalid user] U from IP` a failure
  (`Failed none` is the client's method probe, not a password attempt, and is not counted);
- `message repeated N times: [ Failed ... ]` stands for N identical attempts (N events, one id each);
- `Invalid user U from IP` and PAM's `authentication failure; ... rhost=IP user=U` describe the same
  attempt as the sshd `Failed` line of the same process; they become an event only when that process
  logged no `Failed`/`Accepted` line (e.g. a client that disconnected before trying a password);
- `error: maximum authentication attempts exceeded` and other lines are context, not attempts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from zhengan.checks.logins.readers.base import (
    ReadOptions,
    ReadResult,
    UndecodedBytes,
    YearLessStamps,
    bad_record,
)
from zhengan.checks.logins.schema import EventBuilder

FORMAT = "sshd"

MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1
    )
}
BSD_LINE = re.compile(
    r"^(?P<mon>[A-Z][a-z]{2}) +(?P<day>\d{1,2}) (?P<time>\d{2}:\d{2}:\d{2}) (?P<host>\S+) (?P<prog>[\w\-./]+)(?:\[(?P<pid>\d+)\])?: (?P<msg>.*)$"
)
ISO_LINE = re.compile(
    r"^(?P<stamp>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?) (?P<host>\S+) (?P<prog>[\w\-./]+)(?:\[(?P<pid>\d+)\])?: (?P<msg>.*)$"
)
ATTEMPT = re.compile(
    r"^(?P<result>Accepted|Failed) (?P<method>\S+) for (?P<invalid>invalid user )?(?P<user>.*?) from (?P<ip>\S+) port \d+"
)
REPEATED = re.compile(r"^message repeated (?P<n>\d+) times: \[ ?(?P<msg>.*?)\]$")
INVALID_USER = re.compile(r"^Invalid user (?P<user>.*?) from (?P<ip>\S+)(?: port \d+)?$")
PAM_FAILURE = re.compile(
    r"^pam_unix\(sshd:auth\): authentication failure;.*?rhost=(?P<ip>\S*)(?:\s+user=(?P<user>\S+))?"
)


@dataclass
class _Pending:
    line: int
    moment: datetime
    host: str
    user: str | None
    ip: str | None
    reason: str
    text: str


def read(path: Path, options: ReadOptions) -> ReadResult:
    file = str(path)
    events = EventBuilder(file)
    errors = []
    years = YearLessStamps(path, options, None if options.year is not None else _months(path))
    attempted_pids: set[tuple[str, str]] = set()
    pending: dict[tuple[str, str], _Pending] = {}
    records = 0
    skipped = 0
    default_type = options.default_user_type or "staff"
    undecoded = UndecodedBytes(path)
    with path.open(encoding="utf-8", errors="surrogateescape") as handle:
        for number, raw in enumerate(handle, start=1):
            text = undecoded.clean(number, raw.rstrip("\n"))
            if not text.strip():
                continue
            records += 1
            match = ISO_LINE.match(text) or BSD_LINE.match(text)
            if match is None:
                errors.append(
                    bad_record(
                        file,
                        number,
                        f"第 {number} 行不是 syslog 格式",
                        f"line {number}: not a syslog line",
                        text,
                    )
                )
                continue
            parts = match.groupdict()
            try:
                if "stamp" in parts and parts.get("stamp"):
                    moment = datetime.fromisoformat(parts["stamp"].replace("Z", "+00:00"))
                    if moment.tzinfo is None:
                        moment = moment.replace(tzinfo=options.zone)
                else:
                    year = years.year_of(MONTHS[parts["mon"]], number)
                    naive = datetime.strptime(
                        f"{year} {parts['mon']} {parts['day']} {parts['time']}", "%Y %b %d %H:%M:%S"
                    )
                    moment = naive.replace(tzinfo=options.zone)
            except (ValueError, KeyError):
                errors.append(
                    bad_record(
                        file,
                        number,
                        f"第 {number} 行時間無法解讀",
                        f"line {number}: timestamp cannot be read",
                        text,
                    )
                )
                continue
            if not parts["prog"].startswith("sshd"):
                skipped += 1
                continue
            host, message = parts["host"], parts["msg"]
            process = (host, parts["pid"] or "")
            repeat = 1
            repeated = REPEATED.match(message)
            if repeated:
                repeat, message = int(repeated["n"]), repeated["msg"].strip()
            attempt = ATTEMPT.match(message)
            if attempt:
                if attempt["result"] == "Failed" and attempt["method"] == "none":
                    skipped += 1
                    continue
                attempted_pids.add(process)
                pending.pop(process, None)
                user = attempt["user"]
                if not user.strip():
                    errors.append(_empty_user(file, number, text))
                    continue
                success = attempt["result"] == "Accepted"
                reason = (
                    None
                    if success
                    else ("invalid user" if attempt["invalid"] else f"failed {attempt['method']}")
                )
                for index in range(repeat):
                    events.add(
                        line=number,
                        timestamp=moment,
                        outcome="success" if success else "failure",
                        user_name=user,
                        user_type=_user_type(user),
                        fallback_type=default_type,
                        source_ip=attempt["ip"],
                        host_name=host,
                        service_name="ssh",
                        reason=reason,
                        suffix="" if repeat == 1 else f"#{index + 1}",
                    )
                continue
            invalid = INVALID_USER.match(message)
            pam = PAM_FAILURE.match(message)
            if invalid and process not in attempted_pids:
                pending.setdefault(
                    process,
                    _Pending(number, moment, host, invalid["user"], invalid["ip"], "invalid user", text),
                )
            elif pam and process not in attempted_pids:
                if process in pending:
                    continue  # the PAM line of the same attempt as the "Invalid user" line
                pending[process] = _Pending(
                    number, moment, host, pam["user"], pam["ip"] or None, "authentication failure (pam)", text
                )
            else:
                skipped += 1
    for process, attempt in pending.items():
        if process in attempted_pids:
            continue
        if attempt.user is not None and not attempt.user.strip():
            errors.append(_empty_user(file, attempt.line, attempt.text))
            continue
        events.add(
            line=attempt.line,
            timestamp=attempt.moment,
            outcome="failure",
            user_name=attempt.user,
            user_type=_user_type(attempt.user),
            fallback_type=default_type,
            source_ip=attempt.ip,
            host_name=attempt.host,
            service_name="ssh",
            reason=attempt.reason,
        )
    table = events.table().sort_by("source_line")
    errors.sort(key=lambda error: error.source.line or 0)
    return ReadResult(
        table=table, errors=errors, notes=years.notes() + undecoded.notes(), skipped=skipped, records=records
    )


def _months(path: Path) -> list[int]:
    """The month of every year-less stamp, in file order (the first pass the year inference needs)."""
    months = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for text in handle:
            match = BSD_LINE.match(text.rstrip("\n"))
            if match is not None and match["mon"] in MONTHS:
                months.append(MONTHS[match["mon"]])
    return months


def _empty_user(file: str, number: int, text: str):
    """An attempt naming no account (`Failed password for invalid user  from …`): not an account."""
    return bad_record(
        file,
        number,
        f"第 {number} 行帳號為空白",
        f"line {number}: the user name is empty",
        text,
        "user.name",
    )


def _user_type(user: str | None) -> str | None:
    """root is an administrator; other accounts are typed by the firm's rules, else `default_type`."""
    return "admin" if user == "root" else None
