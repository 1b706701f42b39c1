"""Importer for OWASP ZAP JSON reports (the "Traditional JSON Report" template, `zap.sh -cmd ... -quickout`).

One finding per alert per site (instances are listed as evidence). `riskcode` 0 informational, 1 low,
2 medium, 3 high. ZAP writes `@generated` in the scanning machine's local time without a zone; it is
read as Asia/Taipei unless another zone is given.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from zhengan.checks.result import InputError, Severity, SourceRef, sha256_file
from zhengan.checks.scans.jsonread import load_json
from zhengan.checks.scans.model import FindingKind, ScanFinding, ScanFormatError, ScannedAsset, ScanReport
from zhengan.text import Text
from zhengan.timeutil import TAIPEI

_RISK = {"1": Severity.LOW, "2": Severity.MEDIUM, "3": Severity.HIGH}


def read(path: Path, zone: ZoneInfo = TAIPEI) -> ScanReport:
    document = load_json(path)
    if not isinstance(document, dict) or not isinstance(document.get("site"), list):
        raise ScanFormatError(f"{path}: 不是 ZAP JSON 報告（缺 site） / not a ZAP JSON report (no site)")
    generated = _generated(document.get("@generated"), zone)
    report = ScanReport(
        scanner="zap", format="zap-json", scan_id=sha256_file(path), file=str(path), finished_at=generated
    )
    for s_index, site in enumerate(document["site"]):
        name = str(site.get("@name") or "")
        if not name:
            report.errors.append(
                InputError(
                    source=SourceRef(file=str(path), field=f"site[{s_index}]"),
                    message=Text(zh="site 缺少 @name", en="site without @name"),
                )
            )
            continue
        asset = ScannedAsset(
            key=name.lower(), aliases=[a for a in [site.get("@host")] if a], scanned_at=generated
        )
        report.assets.append(asset)
        port = str(site.get("@port", ""))
        for a_index, alert in enumerate(site.get("alerts") or []):
            where = SourceRef(file=str(path), field=f"site[{s_index}].alerts[{a_index}]")
            risk = str(alert.get("riskcode", ""))
            if risk == "0":
                report.informational_skipped += 1
                continue
            if risk not in _RISK or not (alert.get("alertRef") or alert.get("pluginid")):
                report.errors.append(
                    InputError(
                        source=where,
                        message=Text(
                            zh=f"alert 的 riskcode 或 pluginid 無效（{risk!r}）",
                            en=f"alert has an invalid riskcode or pluginid ({risk!r})",
                        ),
                    )
                )
                continue
            instances = alert.get("instances") or []
            evidence = "\n".join(
                f"{i.get('method', '')} {i.get('uri', '')} {i.get('param', '')} {i.get('evidence', '')}".strip()
                for i in instances[:20]
            )
            cwe = str(alert.get("cweid", "")).strip()
            report.findings.append(
                ScanFinding(
                    scanner="zap",
                    kind=FindingKind.WEB,
                    rule_id=str(alert.get("alertRef") or alert.get("pluginid")),
                    title=str(alert.get("alert") or alert.get("name") or ""),
                    severity=_RISK[risk],
                    asset=asset.key,
                    host=site.get("@host"),
                    port=int(port) if port.isdigit() else None,
                    protocol="https" if str(site.get("@ssl")).lower() == "true" else "http",
                    component=f"CWE-{cwe}" if cwe and cwe != "-1" else None,
                    evidence=evidence[:2000] or None,
                    solution=_plain(alert.get("solution")),
                    source=where,
                )
            )
    return report


def _plain(value: object) -> str | None:
    if not value:
        return None
    return html.unescape(re.sub(r"<[^>]+>", " ", str(value))).strip() or None


def _generated(value: object, zone: ZoneInfo) -> datetime | None:
    if not isinstance(value, str):
        return None
    for pattern in ("%a, %d %b %Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(value.strip(), pattern).replace(tzinfo=zone).astimezone(UTC)
        except ValueError:
            continue
    return None
