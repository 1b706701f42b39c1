"""Importer for Tenable Nessus `.nessus` (NessusClientData_v2) exports.

Item severity: 0 info, 1 low, 2 medium, 3 high, 4 critical. Informational plugins (severity 0, such as
"Nessus Scan Information") are counted in `informational_skipped`, not kept as findings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from zhengan.checks.result import InputError, Severity, SourceRef, sha256_file
from zhengan.checks.scans.model import (
    FindingKind,
    ScanFinding,
    ScanFormatError,
    ScannedAsset,
    ScanReport,
    to_float,
)
from zhengan.checks.scans.xmlread import parse_xml, text
from zhengan.text import Text

_SEVERITY = {"1": Severity.LOW, "2": Severity.MEDIUM, "3": Severity.HIGH, "4": Severity.CRITICAL}


def read(path: Path) -> ScanReport:
    root = parse_xml(path)
    if root.tag != "NessusClientData_v2":
        raise ScanFormatError(
            f"{path}: 不是 Nessus v2 檔案（根元素 {root.tag}） / not a Nessus v2 file (root {root.tag})"
        )
    report = ScanReport(scanner="nessus", format="nessus-v2", scan_id=sha256_file(path), file=str(path))
    starts, ends = [], []
    for host_index, host in enumerate(root.iter("ReportHost"), start=1):
        name = host.get("name", "").strip()
        tags = {tag.get("name"): (tag.text or "").strip() for tag in host.iter("tag")}
        started = _epoch(tags.get("HOST_START_TIMESTAMP"))
        ended = _epoch(tags.get("HOST_END_TIMESTAMP"))
        starts += [started] if started else []
        ends += [ended] if ended else []
        if not name:
            report.errors.append(
                InputError(
                    source=SourceRef(file=str(path), field=f"ReportHost[{host_index}]@name"),
                    message=Text(zh="ReportHost 缺少 name", en="ReportHost without a name"),
                )
            )
            continue
        aliases = [tags[k] for k in ("host-ip", "host-fqdn", "hostname", "netbios-name") if tags.get(k)]
        asset = ScannedAsset(key=name.lower(), aliases=sorted(set(aliases)), scanned_at=ended or started)
        report.assets.append(asset)
        for item_index, item in enumerate(host.iter("ReportItem"), start=1):
            where = SourceRef(file=str(path), field=f"ReportHost[{name}]/ReportItem[{item_index}]")
            severity = _SEVERITY.get(item.get("severity", ""))
            if item.get("severity") == "0":
                report.informational_skipped += 1
                continue
            if severity is None or not item.get("pluginID"):
                report.errors.append(
                    InputError(
                        source=where,
                        message=Text(
                            zh=f"ReportItem 的 severity 或 pluginID 無效（{item.get('severity')!r}）",
                            en=f"ReportItem has an invalid severity or pluginID ({item.get('severity')!r})",
                        ),
                    )
                )
                continue
            port = item.get("port", "0")
            score = to_float(text(item, "cvss3_base_score")) or to_float(text(item, "cvss_base_score"))
            report.findings.append(
                ScanFinding(
                    scanner="nessus",
                    kind=FindingKind.HOST,
                    rule_id=item.get("pluginID", ""),
                    title=item.get("pluginName", "") or text(item, "plugin_name"),
                    severity=severity,
                    cves=[c.text.strip() for c in item.findall("cve") if c.text],
                    cvss_score=score,
                    cvss_vector=text(item, "cvss3_vector") or text(item, "cvss_vector") or None,
                    asset=asset.key,
                    host=name,
                    port=int(port) if port.isdigit() and port != "0" else None,
                    protocol=item.get("protocol"),
                    component=item.get("svc_name"),
                    evidence=(text(item, "plugin_output") or text(item, "synopsis"))[:2000] or None,
                    solution=text(item, "solution") or None,
                    source=where,
                )
            )
    report.started_at = min(starts) if starts else None
    report.finished_at = max(ends) if ends else None
    return report


def _epoch(value: str | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC) if value else None
    except ValueError:
        return None
