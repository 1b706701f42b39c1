"""Importer for SARIF 2.1.0, the output of source-code scanners (Semgrep, CodeQL, SonarQube, Checkmarx …).

Severity: the rule's `security-severity` property (the CVSS-like score GitHub code scanning uses) when
present; otherwise the result level: error → high, warning → medium, note → low, none → info. The
scanned asset is the repository (`versionControlProvenance[0].repositoryUri`, else the `%SRCROOT%`
base URI). The fingerprint uses the scanner's own `partialFingerprints`/`fingerprints` when given, so a
finding keeps its identity when lines move; otherwise rule + file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zhengan.checks.result import InputError, Severity, SourceRef, fingerprint, sha256_file
from zhengan.checks.scans.jsonread import load_json
from zhengan.checks.scans.model import (
    FindingKind,
    ScanFinding,
    ScanFormatError,
    ScannedAsset,
    ScanReport,
    severity_from_score,
    to_float,
)
from zhengan.text import Text

_LEVEL = {"error": Severity.HIGH, "warning": Severity.MEDIUM, "note": Severity.LOW, "none": Severity.INFO}


def read(path: Path) -> ScanReport:
    document = load_json(path)
    if not isinstance(document, dict) or not isinstance(document.get("runs"), list):
        raise ScanFormatError(f"{path}: 不是 SARIF 檔案（缺 runs） / not a SARIF file (no runs)")
    if document.get("version") != "2.1.0":
        raise ScanFormatError(
            f"{path}: 不支援的 SARIF 版本 {document.get('version')!r} / unsupported SARIF version "
            f"{document.get('version')!r} (2.1.0 is read)"
        )
    report = ScanReport(scanner="sarif", format="sarif-2.1.0", scan_id=sha256_file(path), file=str(path))
    scanners = []
    for run_index, run in enumerate(document["runs"]):
        driver = (run.get("tool") or {}).get("driver") or {}
        tool = str(driver.get("name") or "unknown-tool")
        scanner = f"sarif:{tool}"
        scanners.append(scanner)
        rules = {rule.get("id"): rule for rule in driver.get("rules") or [] if isinstance(rule, dict)}
        rule_list = driver.get("rules") or []
        invocation = (run.get("invocations") or [{}])[0]
        started = _time(invocation.get("startTimeUtc"))
        ended = _time(invocation.get("endTimeUtc"))
        report.started_at = report.started_at or started
        report.finished_at = max(filter(None, [report.finished_at, ended]), default=None)
        repository = _repository(run)
        asset = ScannedAsset(key=repository.lower(), scanned_at=ended or started)
        if all(a.key != asset.key for a in report.assets):
            report.assets.append(asset)
        for index, result in enumerate(run.get("results") or []):
            where = SourceRef(file=str(path), field=f"runs[{run_index}].results[{index}]")
            rule_id = result.get("ruleId") or _rule_from_index(rule_list, result.get("ruleIndex"))
            if not rule_id:
                report.errors.append(
                    InputError(source=where, message=Text(zh="結果缺少 ruleId", en="result without a ruleId"))
                )
                continue
            rule = rules.get(rule_id, {})
            location = ((result.get("locations") or [{}])[0]).get("physicalLocation") or {}
            file = (location.get("artifactLocation") or {}).get("uri")
            region = location.get("region") or {}
            score = to_float((rule.get("properties") or {}).get("security-severity"))
            level = result.get("level") or (rule.get("defaultConfiguration") or {}).get("level") or "warning"
            severity = severity_from_score(score) if score is not None else _LEVEL.get(level, Severity.MEDIUM)
            own = result.get("partialFingerprints") or result.get("fingerprints")
            message = (result.get("message") or {}).get("text") or ""
            snippet = (region.get("snippet") or {}).get("text")
            report.findings.append(
                ScanFinding(
                    scanner=scanner,
                    kind=FindingKind.CODE,
                    rule_id=rule_id,
                    title=_title(rule) or message[:200] or rule_id,
                    severity=severity,
                    cves=[],
                    cvss_score=score,
                    asset=asset.key,
                    file=file,
                    line=region.get("startLine"),
                    evidence=(message + (f"\n{snippet}" if snippet else ""))[:2000] or None,
                    solution=((rule.get("help") or {}).get("text") or None),
                    source=where,
                    fingerprint=fingerprint(scanner, asset.key, rule_id, sorted(own.items())) if own else "",
                )
            )
    if len(set(scanners)) == 1:
        report.scanner = scanners[0]
    return report


def _repository(run: dict[str, Any]) -> str:
    for provenance in run.get("versionControlProvenance") or []:
        if provenance.get("repositoryUri"):
            return str(provenance["repositoryUri"])
    base = (run.get("originalUriBaseIds") or {}).get("%SRCROOT%") or {}
    return str(base.get("uri") or "unknown-repository")


def _rule_from_index(rules: list, index: object) -> str | None:
    if isinstance(index, int) and 0 <= index < len(rules):
        return rules[index].get("id")
    return None


def _title(rule: dict[str, Any]) -> str | None:
    return (rule.get("shortDescription") or {}).get("text") or rule.get("name")


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SARIF/GMP times are UTC
