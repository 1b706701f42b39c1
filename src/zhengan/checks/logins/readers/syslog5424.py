"""Syslog RFC 5424 lines carrying login events.

    <86>1 2026-11-21T09:00:01.003+08:00 web01 ordering 2211 LOGIN [login@32473 user="A123456789"
        outcome="failure" src="203.0.113.9" channel="web" type="customer" reason="wrong password"] -

Fields come from the structured-data parameters: `user`, `outcome` (success/failure), `src`, `type`
(customer/staff/admin/vendor/service), `channel`, `action`, `reason`, `country`; the SD-ID is free.
A line from APP-NAME `sshd` without those parameters is read as an sshd message (Accepted/Failed).
RFC 5424 stamps always carry an offset; a line without one (`-`) is quarantined.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from zhengan.checks.logins.readers.base import ReadOptions, ReadResult, UndecodedBytes, bad_record
from zhengan.checks.logins.readers.sshd import ATTEMPT
from zhengan.checks.logins.schema import ACTIONS, OUTCOMES, USER_TYPES, EventBuilder

FORMAT = "syslog5424"

HEADER = re.compile(
    r"^<(?P<pri>\d{1,3})>1 (?P<stamp>\S+) (?P<host>\S+) (?P<app>\S+) (?P<procid>\S+) (?P<msgid>\S+) (?P<rest>.*)$"
)
SD_ELEMENT = re.compile(r'\[(?P<id>[^\s\]=]+)(?P<params>(?:\s+[^\s=\]]+="(?:[^"\\\]]|\\.)*")*)\s*\]')
SD_PARAM = re.compile(r'([^\s=\]]+)="((?:[^"\\\]]|\\.)*)"')


def read(path: Path, options: ReadOptions) -> ReadResult:
    file = str(path)
    events = EventBuilder(file)
    errors = []
    skipped = 0
    records = 0
    undecoded = UndecodedBytes(path)
    with path.open(encoding="utf-8", errors="surrogateescape") as handle:
        for number, raw in enumerate(handle, start=1):
            text = undecoded.clean(number, raw.rstrip("\n").lstrip("\ufeff"))
            if not text.strip():
                continue
            records += 1
            problem = _read_line(text, number, events, options)
            if problem == "skip":
                skipped += 1
            elif problem:
                zh, en, field = problem
                errors.append(
                    bad_record(file, number, f"第 {number} 行：{zh}", f"line {number}: {en}", text, field)
                )
    return ReadResult(
        table=events.table(), errors=errors, notes=undecoded.notes(), skipped=skipped, records=records
    )


def _read_line(text: str, number: int, events: EventBuilder, options: ReadOptions):
    header = HEADER.match(text)
    if header is None:
        return ("不是 RFC 5424 syslog 格式", "not an RFC 5424 syslog line", None)
    stamp = header["stamp"]
    if stamp == "-":
        return ("缺少時間", "timestamp is missing (NILVALUE)", "TIMESTAMP")
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return ("時間無法解讀", f"timestamp {stamp!r} cannot be read", "TIMESTAMP")
    if moment.tzinfo is None:
        return ("時間未含時差", f"timestamp {stamp!r} has no offset", "TIMESTAMP")
    params: dict[str, str] = {}
    rest = header["rest"]
    position = 0
    if rest.startswith("["):
        for element in SD_ELEMENT.finditer(rest):
            if element.start() != position:
                break
            for key, value in SD_PARAM.findall(element["params"]):
                params[key] = value.replace('\\"', '"').replace("\\]", "]").replace("\\\\", "\\")
            position = element.end()
        if position == 0:
            return ("結構化資料格式錯誤", "malformed STRUCTURED-DATA", "STRUCTURED-DATA")
    elif not rest.startswith("-"):
        return ("結構化資料格式錯誤", "malformed STRUCTURED-DATA", "STRUCTURED-DATA")
    message = rest[position:].lstrip() if position else rest[1:].lstrip()
    host = None if header["host"] == "-" else header["host"]
    if "user" not in params and "outcome" not in params:
        attempt = ATTEMPT.match(message) if header["app"].startswith("sshd") else None
        if attempt is None:
            return "skip"
        if not attempt["user"].strip():
            return ("帳號為空白", "the user name is empty", "user.name")
        success = attempt["result"] == "Accepted"
        events.add(
            line=number,
            timestamp=moment,
            outcome="success" if success else "failure",
            user_name=attempt["user"],
            user_type="admin" if attempt["user"] == "root" else None,
            fallback_type=options.default_user_type or "staff",
            source_ip=attempt["ip"],
            host_name=host,
            service_name="ssh",
            reason=None
            if success
            else ("invalid user" if attempt["invalid"] else f"failed {attempt['method']}"),
        )
        return None
    outcome = params.get("outcome", "").lower()
    if outcome not in OUTCOMES:
        return (
            "登入結果不是 success/failure/unknown",
            f"outcome {outcome!r} is not success/failure/unknown",
            "outcome",
        )
    if not params.get("user"):
        return ("缺少帳號", "user is missing", "user")
    user_type = params.get("type", "").lower() or options.default_user_type
    if user_type is not None and user_type not in USER_TYPES:
        return ("帳號類型不正確", f"user type {user_type!r} is not one of {list(USER_TYPES)}", "type")
    action = params.get("action", "logon").lower()
    if action not in ACTIONS:
        return ("事件動作不在支援的清單", f"action {action!r} is not one of {list(ACTIONS)}", "action")
    events.add(
        line=number,
        timestamp=moment,
        outcome=outcome,
        action=action,
        user_name=params["user"],
        user_type=user_type,
        source_ip=params.get("src") or None,
        source_country=(params.get("country") or "").upper() or None,
        host_name=host,
        service_name=(params.get("channel") or header["app"]).lower(),
        reason=params.get("reason") or None,
    )
    return None
