"""Importer for Greenbone / OpenVAS XML reports (GMP `get_reports` with the XML report format).

Severity comes from the result's CVSS score (`<severity>`), falling back to `<threat>`; results with
threat Log or Debug (score 0) are informational and counted in `informational_skipped`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from zhengan.checks.result import InputError, Severity, SourceRef, sha256_file
from zhengan.checks.scans.model import (
    FindingKind,
    ScanFinding,
    ScanFormatError,
    ScannedAsset,
    ScanReport,
    severity_from_score,
    to_float,
)
from zhengan.checks.scans.xmlread import parse_xml, text
from zhengan.text import Text

_THREAT = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "low": Severity.LOW,
}


def read(path: Path) -> ScanReport:
    root = parse_xml(path)
    inner = root.find("report") if root.tag == "report" else None
    if root.tag != "report" or (inner is None and root.find("results") is None):
        raise ScanFormatError(
            f"{path}: 不是 Greenbone/OpenVAS XML 報告（根元素 {root.tag}） / "
            f"not a Greenbone/OpenVAS XML report (root {root.tag})"
        )
    body = inner if inner is not None else root
    report = ScanReport(
        scanner="openvas",
        format="openvas-xml",
        scan_id=sha256_file(path),
        file=str(path),
        started_at=_time(text(body, "scan_start")),
        finished_at=_time(text(body, "scan_end")),
    )
    assets: dict[str, ScannedAsset] = {}
    for host in body.findall("host"):
        ip = text(host, "ip")
        if not ip:
            continue
        names = [text(d, "value") for d in host.findall("detail") if text(d, "name") == "hostname"]
        names = [n for n in names if n]
        assets[ip] = ScannedAsset(
            key=ip.lower(),
            aliases=sorted(set(names)),
            scanned_at=_time(text(host, "end")) or report.finished_at,
        )
    results = body.find("results")
    for index, result in enumerate(results.findall("result") if results is not None else [], start=1):
        where = SourceRef(file=str(path), field=f"results/result[{index}]")
        host_element = result.find("host")
        ip = (host_element.text or "").strip() if host_element is not None and host_element.text else ""
        nvt = result.find("nvt")
        score = to_float(text(result, "severity"))
        threat = text(result, "threat").lower()
        if (
            not ip
            or nvt is None
            or (score is None and threat not in _THREAT and threat not in {"log", "debug"})
        ):
            report.errors.append(
                InputError(
                    source=where,
                    message=Text(
                        zh="result 缺少 host、nvt 或 severity", en="result lacks its host, nvt or severity"
                    ),
                )
            )
            continue
        if threat in {"log", "debug", "false positive"} or score == 0:
            report.informational_skipped += 1
            continue
        severity = severity_from_score(score) if score is not None else _THREAT[threat]
        hostname = text(host_element, "hostname")
        asset = assets.setdefault(ip, ScannedAsset(key=ip.lower(), scanned_at=report.finished_at))
        if hostname and hostname not in asset.aliases:
            asset.aliases.append(hostname)
        port_text = text(result, "port")
        port_number, _, protocol = port_text.partition("/")
        tags = dict(part.split("=", 1) for part in text(nvt, "tags").split("|") if "=" in part)
        report.findings.append(
            ScanFinding(
                scanner="openvas",
                kind=FindingKind.HOST,
                rule_id=nvt.get("oid", ""),
                title=text(nvt, "name") or text(result, "name"),
                severity=severity,
                cves=sorted({r.get("id", "") for r in nvt.iter("ref") if r.get("type") == "cve"} - {""}),
                cvss_score=score,
                cvss_vector=_vector(nvt) or tags.get("cvss_base_vector"),
                asset=asset.key,
                host=ip,
                port=int(port_number) if port_number.isdigit() else None,
                protocol=protocol or None,
                evidence=text(result, "description")[:2000] or None,
                solution=text(nvt, "solution") or tags.get("solution"),
                source=where,
            )
        )
    report.assets = list(assets.values())
    return report


def _vector(nvt: Element) -> str | None:
    for severity in nvt.iter("severity"):
        value = text(severity, "value")
        if value:
            return value
    return None


def _time(value: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SARIF/GMP times are UTC
