"""Each importer reads its real-shaped sample into the normalised model."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from zhengan.checks.result import Severity
from zhengan.checks.scans import ScanFormatError, read_scan
from zhengan.checks.scans.detect import detect
from zhengan.checks.scans.model import FindingKind

DATA = Path(__file__).resolve().parents[2] / "data" / "scans"


def test_nessus_v2():
    report = read_scan(DATA / "nessus" / "internal-2025H1.nessus")
    assert report.format == "nessus-v2" and report.scanner == "nessus"
    assert report.informational_skipped == 1  # "Nessus Scan Information"
    assert [a.key for a in report.assets] == ["10.10.1.21", "10.10.2.15"]
    assert {"dc01.broker.local", "DC01"} <= set(report.assets[0].aliases)
    ms17 = next(f for f in report.findings if f.rule_id == "97833")
    assert ms17.severity == Severity.CRITICAL and ms17.port == 445 and ms17.protocol == "tcp"
    assert ms17.cves == ["CVE-2017-0143", "CVE-2017-0144", "CVE-2017-0145"]
    assert ms17.cvss_score == 8.1 and ms17.cvss_vector.startswith("CVSS:3.0/")
    assert ms17.kind == FindingKind.HOST and ms17.host == "10.10.1.21"
    assert report.finished_at == datetime.fromtimestamp(1741748400, tz=UTC)


def test_openvas_xml():
    report = read_scan(DATA / "openvas" / "dmz-2025-05.xml")
    assert report.format == "openvas-xml"
    assert report.started_at == datetime(2025, 5, 12, 1, 0, 5, tzinfo=UTC)
    assert report.informational_skipped == 1  # the Log result
    ssh = next(f for f in report.findings if "OpenSSH" in f.title)
    assert ssh.severity == Severity.CRITICAL  # CVSS 9.8 although the threat says High
    assert ssh.cves == ["CVE-2023-38408"] and ssh.port == 22 and ssh.protocol == "tcp"
    assert ssh.rule_id == "1.3.6.1.4.1.25623.1.0.104871"
    tls = next(f for f in report.findings if "TLSv1.0" in f.title)
    assert tls.severity == Severity.MEDIUM
    assets = {a.key: a for a in report.assets}
    assert assets["172.16.10.5"].aliases == ["bastion.broker.example.tw"]


def test_trivy_json_quarantines_the_incomplete_entry():
    report = read_scan(DATA / "trivy" / "order-api-2.3.1.json")
    assert (
        report.format == "trivy-json"
        and report.assets[0].key == "registry.broker.local/trade/order-api:2.3.1"
    )
    assert report.finished_at == datetime(2025, 5, 14, 2, 11, 9, 123456, tzinfo=UTC)
    ids = {f.rule_id: f for f in report.findings}
    assert set(ids) == {"CVE-2024-2961", "CVE-2023-45853", "CVE-2022-22965"}
    assert ids["CVE-2024-2961"].cvss_score == 8.1  # the severity source (nvd-less: debian) falls back to nvd
    assert ids["CVE-2022-22965"].component == "org.springframework:spring-beans"
    assert "no fixed version" in ids["CVE-2023-45853"].evidence
    assert len(report.errors) == 1 and report.errors[0].source.field == "Results[1].Vulnerabilities[1]"


def test_sarif_source_code_scan():
    report = read_scan(DATA / "sarif" / "order-web-semgrep.sarif")
    assert report.scanner == "sarif:Semgrep OSS" and report.format == "sarif-2.1.0"
    assert report.assets[0].key == "https://git.broker.local/trade/order-web"
    sqli, sha1 = report.findings
    assert sqli.kind == FindingKind.CODE and sqli.severity == Severity.HIGH  # security-severity 8.8
    assert sqli.file == "orders/views.py" and sqli.line == 42
    assert sha1.severity == Severity.MEDIUM  # level from the rule's default: warning


def test_sarif_fingerprint_survives_moved_lines(tmp_path):
    text = (DATA / "sarif" / "order-web-semgrep.sarif").read_text(encoding="utf-8")
    moved = tmp_path / "moved.sarif"
    moved.write_text(text.replace('"startLine": 42', '"startLine": 57'), encoding="utf-8")
    before = read_scan(DATA / "sarif" / "order-web-semgrep.sarif").findings[0]
    after = read_scan(moved).findings[0]
    assert before.fingerprint == after.fingerprint and after.line == 57


def test_zap_json():
    report = read_scan(DATA / "zap" / "www-2025-05.json")
    assert report.format == "zap-json" and report.informational_skipped == 1
    # 22:15:31 Taipei time is 14:15:31 UTC
    assert report.finished_at == datetime(2025, 5, 21, 14, 15, 31, tzinfo=UTC)
    xss = next(f for f in report.findings if f.rule_id == "40012")
    assert xss.severity == Severity.HIGH and xss.kind == FindingKind.WEB and xss.component == "CWE-79"
    assert "param" not in xss.evidence and " q " in xss.evidence
    csp = next(f for f in report.findings if f.rule_id == "10038-1")
    assert csp.severity == Severity.MEDIUM and csp.solution.startswith("Ensure that your web server")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("nessus/internal-2025H1.nessus", "nessus"),
        ("openvas/dmz-2025-05.xml", "openvas"),
        ("trivy/order-api-2.3.1.json", "trivy"),
        ("sarif/order-web-semgrep.sarif", "sarif"),
        ("zap/www-2025-05.json", "zap"),
    ],
)
def test_format_is_detected_from_content(path, expected):
    assert detect(DATA / path) == expected


def test_malformed_files_are_refused_with_file_and_line(tmp_path):
    broken = tmp_path / "broken.nessus"
    broken.write_text("<NessusClientData_v2>\n<Report>\n</NessusClientData_v2>\n", encoding="utf-8")
    with pytest.raises(ScanFormatError, match=r"broken.nessus:3"):
        read_scan(broken)
    cut = tmp_path / "cut.json"
    cut.write_text('{"SchemaVersion": 2,\n "ArtifactName": ', encoding="utf-8")
    with pytest.raises(ScanFormatError, match=r"cut.json:2"):
        read_scan(cut)
    unknown = tmp_path / "notes.txt"
    unknown.write_text("hello", encoding="utf-8")
    with pytest.raises(ScanFormatError, match=r"notes\.txt"):
        read_scan(unknown)
