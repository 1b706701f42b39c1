"""Importer for Trivy JSON reports (`trivy image|fs|repo --format json`, SchemaVersion 2).

Each vulnerability of each result becomes a finding on the scanned artifact; severity UNKNOWN is
kept as low, because an unrated vulnerability still needs a decision.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from zhengan.checks.result import InputError, Severity, SourceRef, sha256_file
from zhengan.checks.scans.jsonread import load_json
from zhengan.checks.scans.model import (
    FindingKind,
    ScanFinding,
    ScanFormatError,
    ScannedAsset,
    ScanReport,
    to_float,
)
from zhengan.text import Text

_SEVERITY = {
    "CRITICAL": Severity.CRITICAL,
    "HIGH": Severity.HIGH,
    "MEDIUM": Severity.MEDIUM,
    "LOW": Severity.LOW,
    "UNKNOWN": Severity.LOW,
}


def read(path: Path) -> ScanReport:
    document = load_json(path)
    if not isinstance(document, dict) or "SchemaVersion" not in document or "ArtifactName" not in document:
        raise ScanFormatError(
            f"{path}: 不是 Trivy JSON 報告（缺 SchemaVersion/ArtifactName） / "
            "not a Trivy JSON report (no SchemaVersion/ArtifactName)"
        )
    if document["SchemaVersion"] != 2:
        raise ScanFormatError(
            f"{path}: 不支援的 Trivy SchemaVersion {document['SchemaVersion']} / "
            f"unsupported Trivy SchemaVersion {document['SchemaVersion']} (2 is read)"
        )
    created = _time(document.get("CreatedAt"))
    artifact = str(document["ArtifactName"])
    aliases = [a for a in [document.get("Metadata", {}).get("ImageID")] if a]
    asset = ScannedAsset(key=artifact.lower(), aliases=aliases, scanned_at=created)
    report = ScanReport(
        scanner="trivy",
        format="trivy-json",
        scan_id=sha256_file(path),
        file=str(path),
        finished_at=created,
        assets=[asset],
    )
    for r_index, result in enumerate(document.get("Results") or []):
        target = result.get("Target", "")
        for v_index, vuln in enumerate(result.get("Vulnerabilities") or []):
            where = SourceRef(file=str(path), field=f"Results[{r_index}].Vulnerabilities[{v_index}]")
            vuln_id = vuln.get("VulnerabilityID")
            severity = _SEVERITY.get(str(vuln.get("Severity", "")).upper())
            if not vuln_id or not vuln.get("PkgName") or severity is None:
                report.errors.append(
                    InputError(
                        source=where,
                        message=Text(
                            zh="弱點缺少 VulnerabilityID、PkgName 或 Severity",
                            en="vulnerability lacks VulnerabilityID, PkgName or Severity",
                        ),
                    )
                )
                continue
            score, vector = _cvss(vuln.get("CVSS") or {}, vuln.get("SeveritySource"))
            fixed = vuln.get("FixedVersion")
            report.findings.append(
                ScanFinding(
                    scanner="trivy",
                    kind=FindingKind.IMAGE,
                    rule_id=vuln_id,
                    title=vuln.get("Title") or vuln_id,
                    severity=severity,
                    cves=[vuln_id] if vuln_id.startswith("CVE-") else [],
                    cvss_score=score,
                    cvss_vector=vector,
                    asset=asset.key,
                    file=target,
                    component=vuln["PkgName"],
                    evidence=f"{vuln['PkgName']} {vuln.get('InstalledVersion', '?')} installed"
                    + (f"; fixed in {fixed}" if fixed else "; no fixed version yet"),
                    solution=f"Upgrade {vuln['PkgName']} to {fixed}" if fixed else None,
                    source=where,
                )
            )
    return report


def _cvss(cvss: dict, preferred: str | None) -> tuple[float | None, str | None]:
    order = [preferred, "nvd", "redhat", "ghsa", *cvss.keys()]
    for source in order:
        entry = cvss.get(source) if source else None
        if entry and (entry.get("V3Score") is not None or entry.get("V2Score") is not None):
            score = to_float(entry.get("V3Score")) or to_float(entry.get("V2Score"))
            return score, entry.get("V3Vector") or entry.get("V2Vector")
    return None, None


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    # Trivy writes nanoseconds (2025-05-14T02:11:09.123456789Z); Python keeps microseconds.
    match = re.fullmatch(r"(?P<head>[^.]+)(?:\.(?P<fraction>\d+))?(?P<zone>Z|[+-]\d\d:\d\d)?", value.strip())
    if not match:
        return None
    fraction = f".{match['fraction'][:6]}" if match["fraction"] else ""
    zone = (match["zone"] or "Z").replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(f"{match['head']}{fraction}{zone}")
    except ValueError:
        return None
