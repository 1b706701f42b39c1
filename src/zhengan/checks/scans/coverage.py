"""`zhengan check scan-coverage`: was every applicable system scanned within the last six months?

SR-7.8 and FC-9.10 ask internet-ordering firms for a vulnerability scan at least every half year;
AP-4.3.1 asks for scans of network devices, servers, endpoints and IoT devices.

The register of applicable systems is a CSV (UTF-8, header row) until the web register exists:

    host,system,scan_required,note
    10.10.1.21,Active Directory,yes,
    web01.broker.local,網路下單網站,yes,DMZ
    printer-3f.broker.local,事務機,no,scanned by vendor

`host` (required) is matched, case-insensitively, against every name a scan gave the asset (Nessus
ReportHost name, host-ip, host-fqdn, netbios-name; OpenVAS IP and hostname; Trivy artifact; ZAP site and
host; SARIF repository). `system` names it for people. `scan_required` yes/no (default yes): a "no" row is
listed as out of scope, never silently skipped.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from zhengan.checks.result import CheckResult, InputError, InputFile, Observation, Severity, SourceRef, Status
from zhengan.checks.scans.state import ScanState
from zhengan.text import Text
from zhengan.timeutil import to_taipei, utc_now

COVERAGE_CONTROLS = ["SR-7.8", "FC-9.10", "AP-4.3.1"]
_YES = {"yes", "y", "true", "1", "是", "要"}
_NO = {"no", "n", "false", "0", "否", "不"}


class RegisterRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str
    system: str = ""
    scan_required: bool = True
    note: str = ""
    line: int


class RegisterError(ValueError):
    """The register file cannot be read at all."""


def read_register(path: Path) -> tuple[list[RegisterRow], list[InputError]]:
    rows: list[RegisterRow] = []
    errors: list[InputError] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "host" not in fields:
            raise RegisterError(f"{path}:1: 缺少 host 欄位 / the header has no host column (found {fields})")
        for record in reader:
            line = reader.line_num
            values = {
                (k or "").strip().lower(): (v or "").strip() for k, v in record.items() if k is not None
            }
            host = values.get("host", "")
            required_text = values.get("scan_required", "").lower()
            if not host or (required_text and required_text not in _YES | _NO):
                field = "host" if not host else "scan_required"
                errors.append(
                    InputError(
                        source=SourceRef(file=str(path), line=line, field=field),
                        message=Text(
                            zh=f"第 {line} 行 {field} 欄位無效", en=f"line {line}: invalid {field} value"
                        ),
                        raw=",".join(record.get(k) or "" for k in reader.fieldnames or []),
                    )
                )
                continue
            rows.append(
                RegisterRow(
                    host=host,
                    system=values.get("system", ""),
                    scan_required=required_text not in _NO,
                    note=values.get("note", ""),
                    line=line,
                )
            )
    return rows, errors


def last_scans(state: ScanState) -> dict[str, tuple[datetime, str]]:
    """For every name any scan gave an asset: the latest time it was scanned, and by which scanner."""
    latest: dict[str, tuple[datetime, str]] = {}
    for record in state.scans:
        for asset in record.assets:
            when = asset.scanned_at or record.scanned_at
            for name in asset.names():
                if name not in latest or latest[name][0] < when:
                    latest[name] = (when, record.scanner)
    return latest


def months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(candidate, day.day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def check_coverage(
    register: Path, state: ScanState, as_of: date | None = None, months: int = 6
) -> CheckResult:
    as_of = as_of or to_taipei(utc_now()).date()
    since = months_before(as_of, months)
    rows, errors = read_register(register)
    result = CheckResult(
        check="scans.coverage",
        title=Text(zh="弱點掃描涵蓋率", en="Vulnerability-scan coverage"),
        parameters={"as_of": as_of.isoformat(), "months": months, "since": since.isoformat()},
        inputs=[InputFile.of(register, format="register-csv")],
        errors=errors,
        quarantined=len(errors),
    )
    latest = last_scans(state)
    for row in rows:
        subject = f"{row.host}" + (f" ({row.system})" if row.system else "")
        source = SourceRef(file=str(register), line=row.line)
        seen = latest.get(row.host.lower())
        day = to_taipei(seen[0]).date() if seen else None
        if not row.scan_required:
            status, severity = Status.INFO, None
            message = Text(
                zh=f"{subject} 登記為不需掃描：{row.note or '未說明原因'}",
                en=f"{subject} registered as not requiring scans: {row.note or 'no reason given'}",
            )
        elif day is None:
            status, severity = Status.FAIL, Severity.HIGH
            message = Text(zh=f"{subject} 沒有任何掃描紀錄", en=f"{subject} has never been scanned")
        elif day < since:
            status, severity = Status.FAIL, Severity.HIGH
            message = Text(
                zh=f"{subject} 最近一次掃描為 {day}，早於 {since}（{months} 個月內）",
                en=f"{subject} was last scanned on {day}, before {since} (within {months} months)",
            )
        else:
            status, severity = Status.PASS, None
            message = Text(
                zh=f"{subject} 於 {day} 經 {seen[1]} 掃描", en=f"{subject} scanned on {day} by {seen[1]}"
            )
        result.observations.append(
            Observation(
                rule="scans.coverage",
                status=status,
                severity=severity,
                control_ids=COVERAGE_CONTROLS,
                title=Text(zh="半年內弱點掃描", en="Vulnerability scan within six months"),
                subject=subject,
                message=message,
                found=day.isoformat() if day else None,
                required=f">= {since.isoformat()}",
                source=source,
            )
        )
    return result.finish()
