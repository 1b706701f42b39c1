"""`zhengan check scans`: import scans into the state and say which findings are fixed on time (SR-9.1)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from zhengan.checks.result import CheckResult, InputFile, Observation, Severity, Status
from zhengan.checks.scans.detect import read_scan
from zhengan.checks.scans.model import FindingKind
from zhengan.checks.scans.state import FindingStatus, MergeSummary, ScanState, TrackedFinding, merge
from zhengan.checks.severity_policy import DEFAULT_POLICY, SeverityPolicy
from zhengan.text import Text
from zhengan.timeutil import to_taipei, utc_now

REMEDIATION_CONTROLS = ["SR-9.1", "AP-8.2"]
KIND_CONTROLS: dict[FindingKind, list[str]] = {
    FindingKind.HOST: ["SR-7.8", "SR-7.10", "FC-9.10", "AP-4.3.1"],
    FindingKind.IMAGE: ["SR-7.10"],
    FindingKind.CODE: ["SR-7.7", "AP-4.4.2"],
    FindingKind.WEB: ["AP-4.5.1", "SR-7.5"],
}
TITLE = Text(zh="弱點掃描匯入與修補期限", en="Vulnerability-scan import and remediation deadlines")


def import_scans(
    paths: Iterable[Path],
    state: ScanState,
    policy: SeverityPolicy = DEFAULT_POLICY,
    as_of: date | None = None,
    format: str | None = None,
    now: datetime | None = None,
) -> tuple[CheckResult, ScanState, list[MergeSummary]]:
    """Read each file, merge it into `state` (pure: a new state is returned) and judge every open finding.

    A file that cannot be read raises `ScanFormatError` before anything is merged, so a run never leaves
    a half-imported state.
    """
    now = now or utc_now()
    as_of = as_of or to_taipei(now).date()
    paths = list(paths)
    reports = [read_scan(path, format) for path in paths]  # all read before any merge
    result = CheckResult(
        check="scans",
        title=TITLE,
        parameters={"as_of": as_of.isoformat(), "policy": policy.model_dump(mode="json"), "format": format},
    )
    summaries: list[MergeSummary] = []
    for path, report in zip(paths, reports, strict=True):
        result.inputs.append(InputFile.of(path, format=report.format))
        result.errors.extend(report.errors)
        result.quarantined += len(report.errors)
        state, summary = merge(state, report, now, policy)
        summaries.append(summary)
        result.observations.append(
            _summary_observation(report.scanner, summary, report.informational_skipped)
        )
    closed_now = {key for s in summaries for key in s.closed}
    for key, tracked in sorted(state.findings.items(), key=lambda item: item[1].due_on or date.max):
        if tracked.status == FindingStatus.OPEN or key in closed_now:
            result.observations.append(judge(tracked, as_of))
    return result.finish(), state, summaries


def judge(tracked: TrackedFinding, as_of: date) -> Observation:
    """One finding against its deadline: overdue open → fail; open in time → warn; closed → pass/warn."""
    finding = tracked.finding
    where = finding.file and f"{finding.file}:{finding.line}" if finding.line else finding.file
    subject = f"{finding.asset} {where or (finding.port or '')} {finding.rule_id}".replace("  ", " ")
    due = tracked.due_on.isoformat() if tracked.due_on else None
    label = f"{finding.title} [{finding.severity.value}]"
    if tracked.status == FindingStatus.CLOSED:
        late = (
            tracked.due_on is not None
            and tracked.closed_on is not None
            and tracked.closed_on > tracked.due_on
        )
        status = Status.WARN if late else Status.PASS
        message = Text(
            zh=f"{finding.asset}：{label} 已於 {tracked.closed_on} 後續掃描中消失，視為已修補"
            + (f"（逾期，期限 {due}）" if late else ""),
            en=f"{finding.asset}: {label} gone in the scan of {tracked.closed_on}, taken as fixed"
            + (f" (late; due {due})" if late else ""),
        )
    elif tracked.due_on is None:
        status = Status.INFO
        message = Text(
            zh=f"{finding.asset}：{label}，無修補期限", en=f"{finding.asset}: {label}, no deadline"
        )
    elif as_of > tracked.due_on:
        status = Status.FAIL
        message = Text(
            zh=f"{finding.asset}：{label} 逾修補期限 {due} 仍未修補（{(as_of - tracked.due_on).days} 天）",
            en=f"{finding.asset}: {label} still open past its deadline {due} "
            f"({(as_of - tracked.due_on).days} days overdue)",
        )
    else:
        status = Status.WARN
        message = Text(
            zh=f"{finding.asset}：{label} 尚未修補，期限 {due}",
            en=f"{finding.asset}: {label} open, due {due}",
        )
    return Observation(
        rule=f"scans.remediation.{finding.kind.value}",
        status=status,
        severity=finding.severity if status in {Status.FAIL, Status.WARN} else None,
        control_ids=REMEDIATION_CONTROLS + KIND_CONTROLS[finding.kind],
        title=Text(zh=f"弱點修補：{finding.title}", en=f"Remediation: {finding.title}"),
        subject=subject,
        message=message,
        found=tracked.status.value,
        required=due,
        source=finding.source,
        fingerprint=finding.fingerprint,
        details={
            "scanner": finding.scanner,
            "cves": finding.cves,
            "cvss": finding.cvss_score,
            "host": finding.host,
            "port": finding.port,
            "file": finding.file,
            "line": finding.line,
            "first_seen": tracked.first_seen.isoformat(),
            "last_seen": tracked.last_seen.isoformat(),
            "closed_on": tracked.closed_on.isoformat() if tracked.closed_on else None,
            "reopened": tracked.reopened,
            "evidence": finding.evidence,
        },
    )


def _summary_observation(scanner: str, summary: MergeSummary, skipped: int) -> Observation:
    name = Path(summary.file).name
    if summary.duplicate:
        message = Text(
            zh=f"{name} 先前已匯入，未新增任何項目", en=f"{name} was imported before; nothing added"
        )
    else:
        counts = (len(summary.added), len(summary.seen_again), len(summary.closed), len(summary.reopened))
        message = Text(
            zh=f"{name}（{scanner}）：新增 {counts[0]}、再次發現 {counts[1]}、關閉 {counts[2]}、重新開啟 {counts[3]}；"
            f"資訊性項目 {skipped} 筆未列為弱點",
            en=f"{name} ({scanner}): {counts[0]} added, {counts[1]} seen again, {counts[2]} closed, "
            f"{counts[3]} reopened; {skipped} informational items not counted as vulnerabilities",
        )
    return Observation(
        rule="scans.import",
        status=Status.INFO,
        control_ids=REMEDIATION_CONTROLS,
        title=Text(zh="掃描匯入", en="Scan import"),
        subject=f"scan {summary.scan_id[:12]} {name}",
        message=message,
        severity=Severity.INFO,
        details=summary.model_dump(),
    )
