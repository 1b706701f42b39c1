"""What is known across scans: each finding's life (open, seen again, closed, reopened) and each scan.

`merge` is a pure function: the same scan imported twice adds nothing (the scan id is the file's SHA-256
and findings are keyed by fingerprint); a later scan that covered an asset and no longer reports a
finding closes it; a finding seen again after closure reopens. Closure only applies to findings of the
same scanner on assets the new scan covered, and only when the scan is newer than the last sighting, so
importing an old scan late never closes or reopens anything.

The state is a plain JSON file for now; the web application will store it later.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zhengan.checks.scans.model import ScanFinding, ScannedAsset, ScanReport
from zhengan.checks.severity_policy import DEFAULT_POLICY, SeverityPolicy, deadline
from zhengan.timeutil import to_taipei

STATE_VERSION = 1


class FindingStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class TrackedFinding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    finding: ScanFinding
    status: FindingStatus = FindingStatus.OPEN
    first_seen: datetime  # UTC
    last_seen: datetime  # UTC
    due_on: date | None = None  # from the severity policy, counted from the first sighting (Taipei date)
    closed_on: date | None = None
    closed_by: str | None = None  # scan id
    reopened: int = 0
    scans: list[str] = Field(default_factory=list)


class ScanRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scan_id: str
    scanner: str
    format: str
    file: str
    scanned_at: datetime  # UTC; the import time when the file says nothing (then `time_from_file` is False)
    time_from_file: bool = True
    imported_at: datetime
    assets: list[ScannedAsset] = Field(default_factory=list)
    findings: int = 0


class ScanState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = STATE_VERSION
    scans: list[ScanRecord] = Field(default_factory=list)
    findings: dict[str, TrackedFinding] = Field(default_factory=dict)


class MergeSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scan_id: str
    file: str
    duplicate: bool = False
    added: list[str] = Field(default_factory=list)
    seen_again: list[str] = Field(default_factory=list)
    closed: list[str] = Field(default_factory=list)
    reopened: list[str] = Field(default_factory=list)


class StateError(ValueError):
    """The state file cannot be used."""


def merge(
    state: ScanState, report: ScanReport, imported_at: datetime, policy: SeverityPolicy = DEFAULT_POLICY
) -> tuple[ScanState, MergeSummary]:
    """The state after importing `report`, and what changed. `state` itself is not modified."""
    summary = MergeSummary(scan_id=report.scan_id, file=report.file)
    if any(record.scan_id == report.scan_id for record in state.scans):
        summary.duplicate = True
        return state, summary
    new = state.model_copy(deep=True)
    scanned_at = report.scanned_at or imported_at
    scan_day = to_taipei(scanned_at).date()
    new.scans.append(
        ScanRecord(
            scan_id=report.scan_id,
            scanner=report.scanner,
            format=report.format,
            file=report.file,
            scanned_at=scanned_at,
            time_from_file=report.scanned_at is not None,
            imported_at=imported_at,
            assets=report.assets,
            findings=len(report.findings),
        )
    )
    seen: set[str] = set()
    for finding in report.findings:
        if finding.fingerprint in seen:
            continue  # the same issue listed twice in one file counts once
        seen.add(finding.fingerprint)
        tracked = new.findings.get(finding.fingerprint)
        if tracked is None:
            new.findings[finding.fingerprint] = TrackedFinding(
                finding=finding,
                first_seen=scanned_at,
                last_seen=scanned_at,
                due_on=deadline(finding.severity, scan_day, policy),
                scans=[report.scan_id],
            )
            summary.added.append(finding.fingerprint)
            continue
        tracked.scans.append(report.scan_id)
        if scanned_at <= tracked.last_seen:
            continue  # an older scan imported late: it tells nothing new about this finding
        tracked.last_seen = scanned_at
        tracked.finding = finding
        tracked.due_on = deadline(finding.severity, to_taipei(tracked.first_seen).date(), policy)
        if tracked.status == FindingStatus.CLOSED:
            tracked.status = FindingStatus.OPEN
            tracked.closed_on = tracked.closed_by = None
            tracked.reopened += 1
            summary.reopened.append(finding.fingerprint)
        else:
            summary.seen_again.append(finding.fingerprint)
    covered = {asset.key for asset in report.assets}
    scanners = {report.scanner} | {f.scanner for f in report.findings}
    for key, tracked in new.findings.items():
        if (
            tracked.status == FindingStatus.OPEN
            and key not in seen
            and tracked.finding.scanner in scanners
            and tracked.finding.asset in covered
            and tracked.last_seen < scanned_at
        ):
            tracked.status = FindingStatus.CLOSED
            tracked.closed_on = scan_day
            tracked.closed_by = report.scan_id
            summary.closed.append(key)
    return new, summary


def load_state(path: Path) -> ScanState:
    if not path.exists():
        return ScanState()
    try:
        state = ScanState.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise StateError(
            f"{path}: 狀態檔欄位 {where} 錯誤：{first['msg']} / bad state field {where}: {first['msg']}"
        ) from error
    if state.version != STATE_VERSION:
        raise StateError(
            f"{path}: 狀態檔版本 {state.version} 不支援 / unsupported state version {state.version}"
        )
    return state


def save_state(state: ScanState, path: Path) -> None:
    """Write atomically: a crash leaves the old file, never half a new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(json.dumps(state.model_dump(mode="json"), ensure_ascii=False, indent=1))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
